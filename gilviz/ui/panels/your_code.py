"""The your-code lesson's tabs: the editor the script is written in, and what each thread
printed, grouped by thread.

The editor's text is what Run runs (run_values), checked for a SyntaxError first, and it is
kept between launches. A failing line (SyntaxError, or the deepest line of the script in
an exception's traceback) is marked in the editor, with the traceback under it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gilviz.core.params import ParamError
from gilviz.core.runner import RunResult
from gilviz.core.script_params import read_script, syntax_problem
from gilviz.core.telemetry import Snapshot
from gilviz.demos.script_host import ERROR
from gilviz.demos.script_output import HOST
from gilviz.demos.starting_points import EXERCISE, STARTING_POINTS
from gilviz.ui.code_editor import CodeEditor, code_font
from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.settings import open_settings
from gilviz.ui.theme import BAD, thread_colour

SOURCE_KEY = "yourCode/source"
PATH_KEY = "yourCode/path"
RUNS_HERE = "This code runs on this machine as you, like any script you start yourself."
RUNS_HERE_MORE = ("It runs in a separate Python process (never through a shell).\n"
                  "Ctrl+Enter runs it, Ctrl+S saves it, Ctrl+O opens a .py file.")
SHOWN_PER_THREAD = 300  # lines per thread in the grouped view; the log keeps more


class CodePanel(LessonPanel):
    title = "Your code"
    focus_on_show = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = open_settings()
        self.path: Path | None = None
        self.starts = QComboBox()
        self.starts.setObjectName("startingPoint")
        self.starts.setPlaceholderText("Start from…")
        self.starts.setToolTip("Replace the code with a starting point from the lecture "
                               "(Ctrl+Z brings yours back)")
        for point in STARTING_POINTS:
            self.starts.addItem(point.label, point.key)
        self.starts.setCurrentIndex(-1)
        self.open_button = QPushButton("Open…")
        self.open_button.setObjectName("openCode")
        self.open_button.setToolTip("Open a .py file (Ctrl+O)")
        self.save_button = QPushButton("Save…")
        self.save_button.setObjectName("saveCode")
        self.save_button.setToolTip("Save the code to a .py file (Ctrl+S)")
        self.file_label = QLabel()
        self.file_label.setObjectName("codeFile")
        self.note = QLabel(RUNS_HERE)
        self.note.setObjectName("runsHere")
        self.note.setToolTip(RUNS_HERE_MORE)
        self.editor = CodeEditor()
        self.problem = QPlainTextEdit()
        self.problem.setObjectName("codeProblem")
        self.problem.setReadOnly(True)
        self.problem.setFont(code_font())
        self.problem.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problem.setStyleSheet(f"color: {BAD};")
        self.problem.hide()
        self.split = QSplitter(Qt.Orientation.Vertical)  # drag to see more of either
        self.split.addWidget(self.editor)
        self.split.addWidget(self.problem)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)

        top = QHBoxLayout()
        top.addWidget(self.starts, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.save_button)
        top.addWidget(self.file_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.split, 1)

        saved = self.settings.value(SOURCE_KEY)
        self.editor.setPlainText(str(saved) if saved else EXERCISE.source)
        path = self.settings.value(PATH_KEY)
        self.path = Path(str(path)) if path else None
        self._show_path()
        self.editor.textChanged.connect(self._remember)
        self.editor.runRequested.connect(self.run_requested)
        self.starts.activated.connect(self._start_from)
        self.open_button.clicked.connect(self.ask_open)
        self.save_button.clicked.connect(self.save)
        for keys, slot in (("Ctrl+S", self.save), ("Ctrl+O", self.ask_open)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def source(self) -> str:
        return self.editor.toPlainText()

    # running ----------------------------------------------------------------------
    def run_values(self) -> dict[str, Any]:
        source = self.source()
        problem = syntax_problem(source, "<your code>")
        if problem is not None:
            self.show_problem(problem.line, problem.describe())
        else:
            self.show_problem(None, "")
        return {"source": source}

    def run_started(self, params: dict[str, Any]) -> None:
        self.show_problem(None, "")

    def show_result(self, result: RunResult) -> None:
        outcome = result.result
        if outcome.get("status") == ERROR and outcome.get("error"):
            self.show_problem(outcome.get("error_line"), outcome["error"])

    def wants_focus(self, result: RunResult) -> bool:
        return result.result.get("status") == ERROR

    def show_problem(self, line: int | None, text: str) -> None:
        """Mark the failing line and show what went wrong under the code ("" clears)."""
        self.editor.mark_error(line if text else None)
        self.problem.setPlainText(text.rstrip())
        self.problem.setVisible(bool(text))
        if text:
            total = sum(self.split.sizes())
            lines = min(text.count("\n") + 2, 10)
            wanted = min(total // 3, self.problem.fontMetrics().height() * lines + 10)
            self.split.setSizes([total - wanted, wanted])
            self.problem.verticalScrollBar().setValue(self.problem.verticalScrollBar().maximum())
            self.editor.mark_error(self.editor.error_line)  # scrolled into the smaller view

    # text in, text out ------------------------------------------------------------
    @Slot()
    def _remember(self) -> None:
        self.settings.setValue(SOURCE_KEY, self.source())

    @Slot(int)
    def _start_from(self, index: int) -> None:
        key = self.starts.itemData(index)
        point = next((p for p in STARTING_POINTS if p.key == key), None)
        self.starts.setCurrentIndex(-1)
        if point is not None:
            self.load(point.source, None)
        self.editor.setFocus()

    def load(self, source: str, path: Path | None) -> None:
        self.editor.replace_all(source)
        self.show_problem(None, "")
        self.path = path
        self.settings.setValue(PATH_KEY, str(path) if path else "")
        self._show_path()

    def open_file(self, path: Path) -> bool:
        try:
            source = read_script(str(path))
        except ParamError as exc:
            self.show_problem(None, f"Cannot open it: {exc}")
            return False
        self.load(source, path)
        return True

    def save_to(self, path: Path) -> bool:
        try:
            path.write_text(self.source(), encoding="utf-8")
        except OSError as exc:
            self.show_problem(None, f"Cannot save {path}: {exc.strerror or exc}")
            return False
        self.path = path
        self.settings.setValue(PATH_KEY, str(path))
        self._show_path(saved=True)
        return True

    @Slot()
    def ask_open(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Open a Python script", start,
                                              "Python (*.py);;All files (*)")
        if name:
            self.open_file(Path(name))

    @Slot()
    def save(self) -> None:
        """Ctrl+S: to the file the code came from, else ask where."""
        if self.path is not None:
            self.save_to(self.path)
            return
        name, _ = QFileDialog.getSaveFileName(self, "Save your code", str(Path.home()),
                                              "Python (*.py)")
        if name:
            self.save_to(Path(name if name.endswith(".py") else f"{name}.py"))

    def _show_path(self, saved: bool = False) -> None:
        if self.path is None:
            self.file_label.setText("")
            self.file_label.setToolTip("")
            return
        self.file_label.setText(("saved: " if saved else "") + self.path.name)
        self.file_label.setToolTip(str(self.path))


class ThreadOutputPanel(LessonPanel):
    """One group per thread (in the order they started), its lines under it; colours as
    in the log, so a thread reads the same everywhere."""

    title = "Printed, by thread"
    focus_on_run = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setObjectName("threadOutput")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setFont(code_font())
        self.tree.header().setStretchLastSection(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._widest = 0
        self._char_width = 1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._lines: dict[str, int] = {}
        self._colours: dict[str, str] = {}
        self._hidden: dict[str, QTreeWidgetItem] = {}

    def run_started(self, params: dict[str, Any]) -> None:
        self._char_width = max(1, self.tree.fontMetrics().averageCharWidth() // 2)
        # the column only ever grows; from the view's width less a vertical scroll bar
        self._widest = (self.tree.viewport().width()
                        - self.tree.verticalScrollBar().sizeHint().width())
        self.tree.header().resizeSection(0, self._widest)
        self.tree.clear()
        self._groups.clear()
        self._lines.clear()
        self._colours.clear()
        self._hidden.clear()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        for lane in snapshot.lanes:
            if lane.name not in self._groups:
                self._group(lane.name)
        batches: dict[str, list[str]] = {}
        for event in snapshot.events:
            if event.thread == HOST:  # gilviz's own word: the site's address, the cut
                self._note(event.text)
            else:
                batches.setdefault(event.thread, []).append(event.text)
        for thread, lines in batches.items():  # one update per thread, not per line
            self._add(thread, lines)

    def _note(self, text: str) -> None:
        note = QTreeWidgetItem([f"gilviz: {text}"])
        note.setForeground(0, QBrush(QColor("#777")))
        font = note.font(0)
        font.setItalic(True)
        note.setFont(0, font)
        self.tree.addTopLevelItem(note)
        self._widen(note.text(0))

    def groups(self) -> dict[str, list[str]]:
        """What is shown: each thread's lines (for tests and exports)."""
        return {name: [group.child(i).text(0) for i in range(group.childCount())]
                for name, group in self._groups.items()}

    def _group(self, name: str) -> QTreeWidgetItem:
        group = QTreeWidgetItem([name])
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        self.tree.addTopLevelItem(group)
        group.setExpanded(True)
        self._groups[name] = group
        self._lines[name] = 0
        self._label(name)
        return group

    def _add(self, thread: str, lines: list[str]) -> None:
        group = self._groups.get(thread) or self._group(thread)
        colour = QBrush(QColor(self._colours.setdefault(
            thread, thread_colour(len(self._colours)))))
        shown = self._lines[thread]
        self._lines[thread] += len(lines)
        room = max(0, SHOWN_PER_THREAD - shown)
        items = []
        for text in lines[:room]:
            item = QTreeWidgetItem([text])
            item.setForeground(0, colour)
            items.append(item)
            self._widen(text)
        if items:
            group.insertChildren(min(shown, SHOWN_PER_THREAD), items)
        if len(lines) > room:
            more = self._hidden.get(thread)
            if more is None:
                more = self._hidden[thread] = QTreeWidgetItem(group)
            more.setText(0, f"… {self._lines[thread] - SHOWN_PER_THREAD:,} more lines "
                            "(the log tab has them)")
        self._label(thread)

    def _widen(self, text: str) -> None:
        """Long lines scroll sideways rather than being cut short."""
        if len(text) * self._char_width <= self._widest:
            return
        wanted = self.tree.fontMetrics().horizontalAdvance(text) + 80
        if wanted > self._widest:
            self._widest = wanted
            self.tree.header().resizeSection(0, wanted)

    def _label(self, name: str) -> None:
        group = self._groups[name]
        count = self._lines[name]
        group.setText(0, f"{name}  ·  {count:,} line{'s' if count != 1 else ''}")
        self._widen(group.text(0))
        if name in self._colours:
            group.setForeground(0, QBrush(QColor(self._colours[name])))
