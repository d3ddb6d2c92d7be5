"""Which Python the engine runs the lesson on, chosen beside the lesson's settings.

The list holds this window's own Python first, then every Python found on the machine
(gilviz.core.interpreters): usable ones selectable, the others shown disabled with their
problem as a tooltip. Finding them takes seconds (each is asked once, in a subprocess), and
so does preparing one the first time (a private venv): both run off the UI thread while a
line under the list says what is happening. Where no free-threaded Python exists, the list
offers to build one.

The bar also says, before any run, what the chosen Python cannot do with these settings
(QThreads need PySide6; an InterpreterPoolExecutor needs 3.14), and disables choices of the
lesson's settings that the chosen Python lacks, with the reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.engine import EngineCommand
from gilviz.core.engine_choice import prepare
from gilviz.core.interpreter_probe import Interpreter, forget_probes, running_interpreter
from gilviz.core.interpreters import describe, find_interpreters
from gilviz.core.lesson import Lesson
from gilviz.core.lesson_needs import unmet_need
from gilviz.core.params import ChoiceParam
from gilviz.ui.background import Background
from gilviz.ui.free_threaded_dialog import OFFER, Build, BuildDialog
from gilviz.ui.param_form import ParamForm

POLL_MS = 100
SETTING = "engine/python"  # the path last chosen, chosen again at the next launch
BUILD = "build-free-threaded"  # the list entry that offers the build
NOTE_COLOUR = "#b26a00"
FIND_JOIN_S = 10.0  # how long closing the window waits for a search still under way

Ready = Callable[[EngineCommand], None]
Problem = Callable[[str], None]

# One search per application: every page (and window) shares what was found.
_found: list[Interpreter] | None = None
_found_lock = threading.Lock()


def _find(progress: Callable[[str], None]) -> list[Interpreter]:
    global _found
    found = find_interpreters()
    with _found_lock:
        _found = found
    return found


def forget_found() -> None:
    """Look again next time (after a build, or in tests)."""
    global _found
    with _found_lock:
        _found = None
    forget_probes()


def short_label(interp: Interpreter) -> str:
    """'3.13.5t · no GIL' or '3.12.1 · GIL': what fits beside the settings."""
    if not interp.version:
        return interp.path
    if interp.free_threaded:
        return f"{interp.version}t · {'GIL on' if interp.gil_enabled else 'no GIL'}"
    name = "" if interp.implementation in (None, "CPython") else f"{interp.implementation} "
    return f"{name}{interp.version} · GIL"


def host_label(interp: Interpreter) -> str:
    return f"{short_label(interp)} (this window's)"


class InterpreterBar(QWidget):
    """The interpreter choice (`interpreterChoice`), the Compare button (`compareButton`)
    and a note line (`interpreterNote`)."""

    chosenChanged = Signal()

    def __init__(self, form: ParamForm, settings: QSettings | None = None,
                 parent: QWidget | None = None, build: Build | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interpreterBar")
        self.form = form
        self.settings = settings
        self.host = running_interpreter()
        self.lesson: Lesson | None = None
        self.in_process = False
        self._build = build
        self._finder: Background | None = None
        self._preparing: dict[str, tuple[Background, list[tuple[Ready, Problem]]]] = {}
        self._engines: dict[str, EngineCommand] = {}
        self._previous = 0
        self._dialog: BuildDialog | None = None
        self._after_build: Callable[[Interpreter], None] | None = None

        self.combo = QComboBox()
        self.combo.setObjectName("interpreterChoice")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setObjectName("compareButton")
        self.note = QLabel()
        self.note.setObjectName("interpreterNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.note.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Python:")
        label.setToolTip("The interpreter the isolated engine runs the lesson on")
        row.addWidget(label)
        row.addWidget(self.combo, 1)  # the page puts compare_button beside Run and Stop
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self._fill([self.host], searching=True)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.combo.currentIndexChanged.connect(self._on_chosen)

    # the list -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.search()

    def search(self) -> None:
        """Fill the list with every Python found: at once if known, else off the UI thread."""
        if self._finder is not None and not self._finder.done():
            return
        with _found_lock:
            found = _found
        if found is not None:
            if self.combo.count() <= 2:  # only this window's Python (and "looking…") so far
                self._fill(found)
            return
        self._finder = Background(_find, "gilviz-find-interpreters")
        self._timer.start()

    def _fill(self, found: list[Interpreter], searching: bool = False) -> None:
        keep = self.chosen().path if self.combo.count() else self._saved_path()
        self.combo.blockSignals(True)
        self.combo.clear()
        model = self.combo.model()
        assert isinstance(model, QStandardItemModel)
        others = [interp for interp in found if not interp.running]
        self.combo.addItem(host_label(self.host), self.host)
        self.combo.setItemData(0, f"{self.host.path}\nThe engine runs on the same Python as "
                                  "the window", Qt.ItemDataRole.ToolTipRole)
        for interp in others:
            text = short_label(interp) if interp.usable else \
                f"{short_label(interp)}: cannot run the lessons"
            self.combo.addItem(text, interp)
            index = self.combo.count() - 1
            tip = f"{interp.label}\n{interp.path}" + (f" ({interp.found})" if interp.found
                                                       else "")
            if not interp.usable:
                tip += f"\n{interp.problem}"
                item = model.item(index)
                item.setEnabled(False)
            self.combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        if searching:
            self.combo.addItem("Looking for other Pythons…", None)
            model.item(self.combo.count() - 1).setEnabled(False)
        elif not any(i.usable and i.free_threaded for i in [self.host, *others]):
            self.combo.addItem("Free-threaded Python: build one (about 4 minutes)…", BUILD)
            self.combo.setItemData(self.combo.count() - 1, OFFER, Qt.ItemDataRole.ToolTipRole)
        self._select_path(keep)
        self.combo.blockSignals(False)
        self._previous = self.combo.currentIndex()
        self.refresh()

    def _select_path(self, path: str | None) -> None:
        for index in range(self.combo.count()):
            data = self.combo.itemData(index)
            if isinstance(data, Interpreter) and data.usable and data.path == path:
                self.combo.setCurrentIndex(index)
                return
        self.combo.setCurrentIndex(0)

    def _saved_path(self) -> str | None:
        if self.settings is None:
            return None
        value = self.settings.value(SETTING, "")
        return str(value) if value else None

    def interpreters(self) -> list[Interpreter]:
        """What the list holds (this window's Python first)."""
        return [data for i in range(self.combo.count())
                if isinstance(data := self.combo.itemData(i), Interpreter)]

    def chosen_text(self) -> str:
        """'3.13.5t · no GIL': the chosen Python as the list shows it."""
        chosen = self.chosen()
        return host_label(chosen) if chosen.running else short_label(chosen)

    def chosen(self) -> Interpreter:
        data = self.combo.currentData()
        return data if isinstance(data, Interpreter) else self.host

    def choose(self, path: str) -> bool:
        """Select the usable interpreter at `path`; False if the list has none there."""
        for index in range(self.combo.count()):
            data = self.combo.itemData(index)
            if isinstance(data, Interpreter) and data.usable and data.path == path:
                self.combo.setCurrentIndex(index)
                return True
        return False

    def engine_interpreter(self) -> Interpreter:
        """The Python a run would use now: the window's own when it runs in-process."""
        return self.host if self.in_process else self.chosen()

    @Slot(int)
    def _on_chosen(self, index: int) -> None:
        if self.combo.itemData(index) == BUILD:
            self.combo.setCurrentIndex(self._previous)
            self.offer_build()
            return
        self._previous = index
        if self.settings is not None:
            chosen = self.chosen()
            self.settings.setValue(SETTING, "" if chosen.running else chosen.path)
        self.refresh()
        self.chosenChanged.emit()

    # the lesson -----------------------------------------------------------------------
    def show_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        for spec in self._form_specs():
            widget = self.form.widget(spec.name)
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def set_in_process(self, in_process: bool) -> None:
        self.in_process = in_process
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Enable what applies, disable what the chosen Python lacks, say why."""
        if not self._form_shows_lesson():
            return
        interp = self.engine_interpreter()
        self._mark_choices(interp)
        params = self.params()
        self.combo.setEnabled(not self.in_process)
        self.combo.setToolTip(
            "Inside the window's process the lesson runs on the window's own Python: untick "
            "'Run inside the window's process' to choose another" if self.in_process else
            "The Python the isolated engine runs the lesson on")
        why = unmet_need(self.lesson, params, interp, in_engine=not self.in_process)
        self.compare_button.setEnabled(not self.in_process and why is None)
        self.compare_button.setToolTip(
            "Compare runs in the engine on two Pythons: untick 'Run inside the window's "
            "process' first" if self.in_process else why if why else
            f"Run this lesson on this window's Python, then on {self.partner_label()}, and "
            "show both side by side")
        self.show_note(why)

    def _form_shows_lesson(self) -> bool:
        """False while the page switches lessons (the form already has the new knobs)."""
        if self.lesson is None:
            return False
        try:
            for spec in self._form_specs():
                self.form.widget(spec.name)
        except KeyError:
            return False
        return True

    def _form_specs(self) -> list[Any]:
        """The lesson's knobs the form shows (the page supplies the others: the code)."""
        return [spec for spec in (self.lesson.params if self.lesson else ())
                if getattr(spec, "in_form", True)]

    def params(self) -> dict[str, Any]:
        assert self.lesson is not None
        values = {spec.name: spec.default for spec in self.lesson.params}
        values.update(self.form.values())
        return values

    def show_note(self, text: str | None) -> None:
        self.note.setText(text or "")
        self.note.setVisible(bool(text))

    def problem(self) -> str | None:
        """What stops a run with these settings on the chosen Python, said before the run."""
        if not self._form_shows_lesson():
            return None
        return unmet_need(self.lesson, self.params(), self.engine_interpreter(),
                          in_engine=not self.in_process)

    def _mark_choices(self, interp: Interpreter) -> None:
        """A setting's choices that need a newer Python than `interp`: disabled, with the
        reason as their tooltip; a disabled choice that was selected falls back."""
        lesson = self.lesson
        if lesson is None or lesson.needs_python is None:
            return
        base = {spec.name: spec.default for spec in lesson.params}
        for spec in self._form_specs():
            widget = self.form.widget(spec.name)
            if not isinstance(spec, ChoiceParam) or not isinstance(widget, QComboBox):
                continue
            model = widget.model()
            if not isinstance(model, QStandardItemModel):
                continue
            for index, choice in enumerate(spec.choices):
                if lesson.needs_python({**base, spec.name: choice}) is None:
                    continue
                why = unmet_need(lesson, {**base, spec.name: choice}, interp, in_engine=False)
                model.item(index).setEnabled(why is None)
                widget.setItemData(index, why or spec.help, Qt.ItemDataRole.ToolTipRole)
                if why and widget.currentIndex() == index:
                    widget.setCurrentIndex(spec.choices.index(spec.default))

    # Compare's other Python --------------------------------------------------------------
    def partner(self) -> Interpreter | None:
        """The Python Compare sets beside this window's: the chosen one, or when that is
        this window's own, the first usable free-threaded one found."""
        chosen = self.chosen()
        if not chosen.running:
            return chosen
        return next((i for i in self.interpreters() if i.usable and i.free_threaded
                     and not i.running), None)

    def partner_label(self) -> str:
        other = self.partner()
        return other.label if other is not None else "a free-threaded Python (none found yet)"

    # preparing an engine ----------------------------------------------------------------
    def request_engine(self, interp: Interpreter, ready: Ready, problem: Problem) -> None:
        """Call `ready(engine)` once `interp` can host the engine: at once for this
        window's Python or one prepared before, else after its venv is made off the UI
        thread (the note shows the progress). `problem(message)` if it cannot."""
        if interp.path in self._engines:
            ready(self._engines[interp.path])
            return
        if interp.running:  # needs no venv (and works in a frozen bundle too)
            ready(EngineCommand(interpreter=interp))
            return
        if interp.path in self._preparing:
            self._preparing[interp.path][1].append((ready, problem))
            return
        job = Background(lambda progress: prepare(interp, progress),
                         f"gilviz-prepare-{interp.version}", daemon=True)
        self._preparing[interp.path] = (job, [(ready, problem)])
        self.show_note(f"Preparing {interp.label} for gilviz…")
        self._timer.start()

    def busy(self) -> bool:
        """A venv is being made: Run and Compare wait for it."""
        return bool(self._preparing)

    @Slot()
    def _poll(self) -> None:
        finder = self._finder
        if finder is not None and finder.done():
            self._finder = None
            self._fill(finder.value if finder.error is None else [self.host])
            if finder.error is not None:
                self.show_note(f"Could not look for other Pythons: {finder.error}")
        for path, (job, waiting) in list(self._preparing.items()):
            if not job.done():
                if job.lines:
                    self.show_note(job.lines[-1])
                continue
            del self._preparing[path]
            self.show_note(None)
            for ready, problem in waiting:
                if job.error is None:
                    self._engines[path] = job.value
                    ready(job.value)
                else:
                    problem(str(job.error))
            self.refresh()
        if self._finder is None and not self._preparing:
            self._timer.stop()

    # building a free-threaded Python ------------------------------------------------------
    def offer_build(self, then: Callable[[Interpreter], None] | None = None) -> None:
        """Ask, then build off the UI thread with a progress dialog; select the result and
        call `then(interpreter)` once it is ready."""
        if self._dialog is not None:
            return
        self._after_build = then
        ask = QMessageBox(QMessageBox.Icon.Question, "A free-threaded Python", OFFER,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self)
        ask.setObjectName("buildOffer")
        ask.finished.connect(self._on_offer_answered)
        ask.open()

    @Slot(int)
    def _on_offer_answered(self, answer: int) -> None:
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._dialog = BuildDialog(self.window(), self._build)
        self._dialog.finished.connect(self._on_built)
        self._dialog.open()

    @Slot(int)
    def _on_built(self, _code: int) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if dialog.python is None:
            self.show_note(f"No free-threaded Python: {dialog.failure}" if dialog.failure
                           else None)
            return
        forget_found()
        built = describe(dialog.python)
        self._fill([self.host, built] + [i for i in self.interpreters()
                                         if not i.running and i.path != built.path])
        self.choose(built.path)
        if not built.usable:
            self.show_note(f"The build at {built.path} {built.problem}")
            return
        then, self._after_build = self._after_build, None
        if then is not None:
            then(built)

    def shutdown(self) -> None:
        """The window is closing: stop polling, stop a build, wait for a search."""
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.shutdown()
        if self._finder is not None:
            self._finder.join(FIND_JOIN_S)
        for job, _ in self._preparing.values():
            job.join(0.5)  # a daemon thread: a venv still in the making is redone next time
