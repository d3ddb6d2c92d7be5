"""The page of one lesson: knobs, Run/Stop, live thread rows, the log and the result."""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.engine import EngineCommand
from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, Param, ParamError, resolve
from gilviz.core.placement import IN_PROCESS, ISOLATED, default_placement
from gilviz.core.runner import RunResult
from gilviz.core.session import RunSession
from gilviz.core.telemetry import Snapshot
from gilviz.core.timeline import TimelineRecorder
from gilviz.notes import lesson_notes
from gilviz.ui.code_view import CodeView
from gilviz.ui.compare_runner import CompareRunner
from gilviz.ui.cpu_cores import CpuCoresView
from gilviz.ui.event_log import EventLog
from gilviz.ui.interpreter_choice import InterpreterBar
from gilviz.ui.lanes_view import ThreadLanesView
from gilviz.ui.look import set_font_factor, set_ink
from gilviz.ui.panels import LessonPanel, panels_for
from gilviz.ui.param_form import ParamForm
from gilviz.ui.result_view import ResultView
from gilviz.ui.run_controller import RunController
from gilviz.ui.settings import load_params, save_params
from gilviz.ui.settings_summary import SettingsSummary
from gilviz.ui.theme import TITLE_FACTOR
from gilviz.ui.timeline_tab import TimelineTab

log = logging.getLogger(__name__)


def setting_text(spec: Param, value: Any) -> str:
    """A knob's value as the form shows it: 10,000; 5 ms; the choice's label."""
    if isinstance(spec, ChoiceParam):
        return spec.label_of(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        unit = getattr(spec, "unit", "")
        return f"{value:g} {unit}".strip()
    text = str(value).replace("\n", ", ")
    return text if len(text) <= 40 else text[:39] + "…"


def without_title(markdown: str) -> str:
    """The notes minus their first heading: the page shows the title already, larger."""
    first, _, rest = markdown.lstrip().partition("\n")
    return rest.lstrip() if first.startswith("# ") else markdown


PRESENTATION_LEFT = 0.34  # of the width for Run/Stop and the result in presentation mode
FIT_COALESCE_MS = 250  # new thread rows are fitted at most this often while they arrive
FIT_SLACK_PX = 4  # smaller changes of the rows' height are not worth a relayout

IN_GUI_NOTE = (
    "Unticked, the lesson runs in a separate Python process (the isolated engine) and the "
    "window only draws, so it stays smooth.\nTicked, the lesson's threads share this "
    "window's GIL: CPU-bound threads then take it from the UI thread and the window "
    "stutters; watch the UI lag meter turn red. That is the GIL, seen from the inside."
)

GIL_NOTE = ("These CPU-bound threads now share the window's GIL: watch the UI lag "
            "meter (bottom right) turn red and the window stutter.")

BUTTON_STYLE = """
QPushButton#runButton:enabled, QPushButton#stopButton:enabled {
    color: white; font-weight: bold; border-radius: 4px; padding: 6px 12px;
}
QPushButton#runButton:enabled { background: #2e7d32; }
QPushButton#stopButton:enabled { background: #c62828; }
"""


class LessonPage(QWidget):
    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setStyleSheet(BUTTON_STYLE)
        self.lesson: Lesson | None = None
        self.last_result: RunResult | None = None
        self.controller = RunController(self)
        self._shown_tenths = -1

        self.title = QLabel()
        self.title.setObjectName("lessonTitle")
        set_font_factor(self.title, TITLE_FACTOR, bold=True)
        self.blurb = QLabel()
        self.blurb.setObjectName("lessonBlurb")
        self.blurb.setWordWrap(True)

        self.form = ParamForm()
        self.run_button = QPushButton("▶  Run")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip("Run the lesson with these settings")
        self.run_button.setDefault(True)
        self.stop_button = QPushButton("■  Stop")
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip("Stop every thread of the run (within a quarter second)")
        self.stop_button.setEnabled(False)
        self.in_gui_process = QCheckBox("Run inside the window's process")
        self.in_gui_process.setObjectName("inGuiProcess")
        self.in_gui_process.setToolTip(IN_GUI_NOTE)
        self.gil_note = QLabel(GIL_NOTE)
        self.gil_note.setObjectName("gilNote")
        self.gil_note.setWordWrap(True)
        set_ink(self.gil_note, "warn")
        self.gil_note.hide()
        self.reset_button = QPushButton("Reset to defaults")
        self.reset_button.setObjectName("resetButton")
        # Run and Stop sit under the settings, outside their box. Once a run starts (and
        # in presentation mode) the box folds into a summary of the settings, so the
        # result below gets the height; "Change settings" opens it again.
        self.run_row = QWidget()
        self.run_row.setObjectName("runRow")
        buttons = QHBoxLayout(self.run_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        self.settings_summary = SettingsSummary()
        self.settings_summary.hide()

        settings = QGroupBox("Settings")
        settings.setObjectName("settingsBox")
        # Never squeezed by a tall tab below (the code): the tab scrolls instead.
        settings.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        settings_layout = QVBoxLayout(settings)
        settings_layout.addWidget(self.form)
        settings_layout.addWidget(self.in_gui_process)
        # Which Python the engine runs the lesson on, and Compare (with and without the GIL).
        self.interpreters = InterpreterBar(self.form, self.settings)
        self.comparer = CompareRunner(self)
        settings_layout.addWidget(self.interpreters)
        buttons.addWidget(self.interpreters.compare_button)  # in view when settings fold
        settings_layout.addWidget(self.gil_note)
        settings_layout.addWidget(self.reset_button)
        self.settings_box = settings

        self.result_view = ResultView()
        self.notes = QTextBrowser()
        self.notes.setObjectName("notesView")
        self.notes.setOpenExternalLinks(False)
        self.code = CodeView()
        self.info_tabs = QTabWidget()
        self.info_tabs.setObjectName("infoTabs")
        self.info_tabs.addTab(self.result_view, "Result")
        self.info_tabs.addTab(self.notes, "Notes")
        self.info_tabs.addTab(self.code, "Code")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(settings)
        left_layout.addWidget(self.run_row)
        left_layout.addWidget(self.info_tabs, 1)

        self.lanes = ThreadLanesView()
        # The box's title and the colour key share its first line: one line more for rows.
        lanes_box = QFrame()
        lanes_box.setObjectName("threadsBox")
        lanes_title = QLabel("Threads")
        set_font_factor(lanes_title, 1.0, bold=True)
        self.lanes_legend = self.lanes.legend  # says how the states are known, too
        self.lanes_legend.changed.connect(self._refit_lanes)
        # Rows arrive a few at a time as a run's threads start: fitting them once per
        # burst, not per poll, spares the tab below a resize (and a chart's repaint,
        # 7-20 ms) every 30 ms.
        self._fit_timer = QTimer(self)
        self._fit_timer.setObjectName("fitRowsTimer")
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(FIT_COALESCE_MS)
        self._fit_timer.timeout.connect(self._fit_arrived_rows)
        header = QHBoxLayout()
        header.addWidget(lanes_title)
        header.addSpacing(24)
        header.addWidget(self.lanes_legend, 1)
        lanes_layout = QVBoxLayout(lanes_box)
        lanes_layout.setContentsMargins(0, 0, 0, 0)
        lanes_layout.addLayout(header)
        lanes_layout.addWidget(self.lanes, 1)
        # The machine's cores and gilviz's share: a line the window puts in its status
        # bar, beside the UI lag meter, so the threads get the whole width here.
        self.cores = CpuCoresView()
        self.cores.set_lesson_source(self._lesson_cpu_s)
        self.log = EventLog()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("lessonTabs")
        self.tabs.addTab(self.log, "Output")
        self.tabs.setTabToolTip(0, "What each thread printed, stamped with the time since "
                                   "the run started")
        self.timeline = TimelineTab()
        self.tabs.addTab(self.timeline, "Timeline")
        self.session: RunSession | None = None  # the run shown, going on or ended
        self.history: list[dict[str, Any]] = []  # every finished run, for the CSV export
        self.panels: list[LessonPanel] = []
        self._lanes_box = lanes_box
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(lanes_box)
        right.addWidget(self.tabs)
        right.setSizes([440, 180])
        self._right = right

        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 0)
        body.setStretchFactor(1, 1)
        body.setSizes([380, 620])
        self._body = body
        self._normal_sizes: list[int] | None = None
        self._presenting = False
        self.settings_summary.change.clicked.connect(self._change_settings)
        self.controller.runningChanged.connect(self._fold_settings)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.blurb)
        layout.addWidget(self.settings_summary)  # the page's width: one or two lines
        layout.addWidget(body, 1)

        self.in_gui_process.toggled.connect(self._update_gil_note)
        self.in_gui_process.toggled.connect(self.interpreters.set_in_process)
        self.interpreters.compare_button.clicked.connect(self.comparer.start)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self.reset_button.clicked.connect(self.reset)
        self.controller.snapshotReady.connect(self._on_snapshot)
        self.controller.runFinished.connect(self._on_finished)
        self.controller.runningChanged.connect(self._on_running_changed)

    def show_lesson(self, lesson: Lesson) -> None:
        """Switch to a lesson; a run still going on for another lesson is stopped."""
        if self.lesson is not None and lesson.id == self.lesson.id:
            return
        self.leave()
        self.lesson = lesson
        self.title.setText(lesson.title)
        self.blurb.setText(lesson.blurb)
        self.notes.setMarkdown(without_title(lesson_notes(lesson.id) or lesson.blurb))
        self.code.show_lesson(lesson)
        self.info_tabs.setCurrentWidget(self.notes)
        self.form.set_specs(lesson.params)
        if self.settings is not None:
            self.form.set_values(load_params(self.settings, lesson))
        self.in_gui_process.setChecked(default_placement(lesson) == IN_PROCESS)
        self.in_gui_process.setVisible(lesson.cooperative)  # else it runs only in the engine
        self._update_gil_note()
        self.open_settings(not self._presenting)
        self.interpreters.set_in_process(self.in_gui_process.isChecked())
        self.interpreters.show_lesson(lesson)
        self._replace_panels(panels_for(lesson.id))
        self._show_panels_for({spec.name: spec.default for spec in lesson.params})
        self.lanes.clear()
        self.log.reset()
        self.timeline.reset()
        self.session = None
        self.result_view.show_idle()
        self.last_result = None

    def leave(self) -> None:
        """The page is about to show something else: keep its knobs, stop its run."""
        self.remember_params()
        self.controller.stop()

    def remember_params(self) -> None:
        if self.settings is not None and self.lesson is not None:
            save_params(self.settings, self.lesson, self.form.values())

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: the settings give way to the lesson's visuals (the Run
        and Stop buttons and a one-line summary stay); leaving it restores the layout."""
        if on == self._presenting:
            return
        self._presenting = on
        self.open_settings(not on)
        if on:
            self._normal_sizes = self._body.sizes()
            # The window is about to lose its lesson list: share its whole width.
            total = max(sum(self._normal_sizes), self.window().width() - 40)
            left = int(total * PRESENTATION_LEFT)
            self._body.setSizes([left, total - left])
        elif self._normal_sizes:
            self._body.setSizes(self._normal_sizes)

    def show_tab(self, number: int) -> None:
        """Bring the lesson's number-th visible tab to the front (keys 1-9)."""
        shown = [i for i in range(self.tabs.count()) if self.tabs.isTabVisible(i)]
        if 1 <= number <= len(shown):
            self.tabs.setCurrentIndex(shown[number - 1])

    def lesson_key(self, name: str) -> None:
        """A lesson key (set the event, step the replay): the first panel that takes it
        comes to the front."""
        for panel in self.panels:
            if panel.handle_key(name):
                self.tabs.setCurrentWidget(panel)
                return

    def open_settings(self, open_: bool) -> None:
        """Show the settings form, or fold it into its one-line summary."""
        self.settings_box.setVisible(open_)
        self.settings_summary.setVisible(not open_)
        if not open_:
            self._show_settings_summary()

    @Slot()
    def _change_settings(self) -> None:
        self.open_settings(True)

    @Slot(bool)
    def _fold_settings(self, running: bool) -> None:
        if running:
            self.open_settings(False)

    def _show_settings_summary(self) -> None:
        if self.lesson is None:
            return
        values = self.form.values()
        # A value never breaks across lines ("1 s", not "1" then "s").
        parts = [f"{spec.label}: <b>"
                 f"{html.escape(setting_text(spec, values[spec.name])).replace(' ', '&nbsp;')}"
                 f"</b>" for spec in self.lesson.params if spec.name in values]
        where = ("in the window's process" if self.in_gui_process.isChecked()
                 else f"in the isolated engine on {self.interpreters.chosen_text()}")
        self.settings_summary.show_text(" · ".join([*parts, where]))

    @Slot()
    def run(self) -> None:
        """Run on the chosen Python: at once, or once its engine is prepared."""
        if self.lesson is None or self.controller.is_running() or self.comparer.active():
            return
        problem = self.interpreters.problem()  # said before the run, not half-way
        if problem:
            self._show_problem(problem)
            return
        if self.in_gui_process.isChecked():
            self.start_run(None)
            return
        lesson = self.lesson
        self.interpreters.request_engine(
            self.interpreters.chosen(),
            lambda engine: self.start_run(engine) if self.lesson is lesson else None,
            self._show_problem)

    def start_run(self, engine: EngineCommand | None) -> RunSession | None:
        """Start the lesson with the form's settings (in the engine on `engine`, or in this
        process when None and so ticked); None, with the problem shown, if it cannot."""
        if self.lesson is None or self.controller.is_running():
            return None
        values = self.run_values()
        try:
            params = resolve(self.lesson.params, values)
        except ParamError as exc:
            self._show_problem(str(exc))
            return None
        self.remember_params()
        placement = IN_PROCESS if self.in_gui_process.isChecked() else ISOLATED
        try:
            self.session = self.controller.start(self.lesson, params, placement, engine)
        except ParamError as exc:
            self._show_problem(str(exc))
            return None
        except Exception as exc:  # e.g. the engine process could not be started
            log.exception("could not start %s", self.lesson.id)
            self._show_problem(f"could not start the run: {exc}")
            return None
        self.lanes.clear()
        self.log.reset()
        self.timeline.reset()
        self.last_result = None
        self._shown_tenths = -1
        self.result_view.show_running(0.0)
        self.info_tabs.setCurrentWidget(self.result_view)
        self._show_panels_for(params)
        for panel in self.panels:
            panel.run_started(params)
            if panel.focus_on_run and panel.applies_to(params):
                self.tabs.setCurrentWidget(panel)
        return self.session

    def run_values(self) -> dict[str, Any]:
        """The settings a run takes: the form's, and what panels supply (the code)."""
        values = self.form.values()
        for panel in self.panels:
            values.update(panel.run_values())  # e.g. the code editor's text
        return values

    def show_problem(self, message: str) -> None:
        self._show_problem(message)

    def _show_problem(self, message: str) -> None:
        self.result_view.show_problem(message)
        self.info_tabs.setCurrentWidget(self.result_view)

    @property
    def recorder(self) -> TimelineRecorder | None:
        return self.session.recorder if self.session is not None else None

    def chrome_trace(self) -> dict[str, Any] | None:
        """The last run's timeline as Chrome trace JSON, or None before any run."""
        return self.session.chrome_trace() if self.session is not None else None

    @Slot()
    def stop(self) -> None:
        self.controller.stop()

    @Slot()
    def reset(self) -> None:
        self.form.reset()

    @Slot()
    def shutdown(self) -> bool:
        self._fit_timer.stop()
        self.cores.stop()
        self.comparer.shutdown()
        self.interpreters.shutdown()
        return self.controller.shutdown()

    def _lesson_cpu_s(self) -> tuple[float, float] | None:
        """The running lesson's threads' CPU seconds, as the kernel measured them, and the
        time on the run's clock they are known up to."""
        session = self.controller.session
        kernel = session.kernel if session is not None else None
        return kernel.cpu_reading() if kernel is not None else None

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if self.lesson is None or self.controller.lesson_id != self.lesson.id:
            return  # the tail of a run of a lesson the user has since left
        rows_before = len(self.lanes.lanes())
        recorder = self.recorder
        if recorder is not None:
            self.lanes.show_snapshot(snapshot, recorder.current_kinds(), recorder.gil)
        else:
            self.lanes.show_snapshot(snapshot)
        if len(snapshot.lanes) != rows_before and not self._fit_timer.isActive():
            self._fit_timer.start()
        self.log.append_events(snapshot.events)
        if self.recorder is not None:
            self.timeline.refresh(self.recorder, final=not self.controller.is_running())
        for panel in self.panels:
            panel.show_snapshot(snapshot)
        tenths = int(snapshot.t * 10)
        if tenths != self._shown_tenths and self.controller.is_running():
            self._shown_tenths = tenths
            self.result_view.show_running(snapshot.t)

    def _replace_panels(self, panels: list[LessonPanel]) -> None:
        for panel in self.panels:
            self.tabs.removeTab(self.tabs.indexOf(panel))
            panel.deleteLater()
        self.panels = panels
        for panel in panels:
            self.tabs.addTab(panel, panel.title)
            panel.poke.connect(self.controller.poke)
            panel.suggest.connect(self._run_with)
            panel.run_requested.connect(self.run)
        self.tabs.setCurrentIndex(0)
        for panel in panels:
            if panel.focus_on_show:
                self.tabs.setCurrentWidget(panel)
                self._give_tabs_room(0.75)

    @Slot()
    def _update_gil_note(self) -> None:
        heavy = self.lesson is not None and self.lesson.prefers_isolated
        self.gil_note.setVisible(heavy and self.in_gui_process.isChecked())

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        """The log reads fine in a strip; the timeline and charts need height."""
        if self.tabs.widget(index) is not self.log:
            if self.lanes.lanes():
                self._fit_lanes()  # the rows keep what they need, up to this tab's share
            else:
                self._give_tabs_room()
        if self.tabs.widget(index) is self.timeline and self.recorder is not None:
            self.timeline.refresh(self.recorder, final=True)

    def _give_tabs_room(self, share: float = 0.6) -> None:
        total = sum(self._right.sizes())
        lanes_height = min(self._right.sizes()[0], int(total * (1 - share)))
        self._right.setSizes([lanes_height, total - lanes_height])
    def _show_panels_for(self, params: dict) -> None:
        for panel in self.panels:
            shown = panel.applies_to(params) or panel.hint_when_empty
            self.tabs.setTabVisible(self.tabs.indexOf(panel), shown)

    @Slot(dict)
    def _run_with(self, values: dict) -> None:
        """A panel's one-click button: these knobs, as if typed, then Run."""
        if self.controller.is_running():
            return
        self.form.set_values(values)
        self.run()

    @Slot()
    def _refit_lanes(self) -> None:
        """The key above the rows changed (and maybe its height): fit the rows again."""
        if self.lanes.lanes():
            QTimer.singleShot(0, self._fit_lanes)  # once the key has its new height

    @Slot()
    def _fit_arrived_rows(self) -> None:
        """Mid-run the rows only grow as threads start: the tab below must not jump back
        and forth (a tab change, or the run's end, fits them both ways)."""
        self._fit_lanes(grow_only=self.controller.is_running())

    def _fit_lanes(self, grow_only: bool = False) -> None:
        """Give the thread rows the room they need (up to 70%), the log the rest."""
        total = sum(self._right.sizes())
        legend = self.lanes_legend
        # What the box adds around the rows: its title and margins, the legend (as
        # wrapped at its width) and the spacing, measured as laid out now.
        chrome = (self._lanes_box.height() - self.lanes.height() - legend.height()
                  + legend.heightForWidth(legend.width()))
        wanted = self.lanes.wanted_height() + chrome + 4
        # Up to 70% with the log in front (it reads fine in a strip); a lesson's own tab
        # keeps at least what it needs (and half), and the rows scroll beyond that.
        current = self.tabs.currentWidget()
        if current is self.log:
            room = int(total * 0.7)
        else:  # a chart or a panel: at most 45% (30% beside the timeline, which draws
            # every thread itself), less if the tab needs more
            cap = 0.3 if current is self.timeline else 0.45
            needs = (current.minimumSizeHint().height()
                     + self.tabs.tabBar().sizeHint().height() + 12)
            room = max(int(total * 0.25), min(int(total * cap), total - needs))
        lanes_height = min(wanted, room)
        shown = self._right.sizes()[0]
        if grow_only:
            lanes_height = max(lanes_height, shown)
        if abs(lanes_height - shown) >= FIT_SLACK_PX:
            self._right.setSizes([lanes_height, total - lanes_height])

    @Slot(object)
    def _on_finished(self, result: RunResult) -> None:
        if self.lesson is None or result.lesson != self.lesson.id:
            return  # a run of a lesson the user has since left
        self.last_result = result
        self._fit_timer.stop()
        self._fit_lanes()
        row = self.session.history_row() if self.session is not None else None
        if row is not None:
            self.history.append(row)
        if self.recorder is not None:
            self.timeline.refresh(self.recorder, final=True)
        placement = self.session.placement if self.session is not None else IN_PROCESS
        self.result_view.show_result(self.lesson, result, placement)
        for panel in self.panels:
            panel.show_result(result)
            if panel.wants_focus(result):
                self.tabs.setCurrentWidget(panel)
                self._give_tabs_room()

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.form.setEnabled(not running)
        self.in_gui_process.setEnabled(not running)
        self.interpreters.setEnabled(not running)
        self.reset_button.setEnabled(not running)
