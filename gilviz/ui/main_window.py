"""The main window: lesson navigator on the left, the lesson's page, a status bar."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from gilviz.core.lesson import Registry
from gilviz.demos.chapters import CLOSING_PAGES
from gilviz.notes import chapter_notes, opening_notes, page_notes
from gilviz.ui.intro_page import IntroPage
from gilviz.ui.latency_meter import LatencyMeter
from gilviz.ui.lesson_page import LessonPage
from gilviz.ui.look import points_for_pixels, restyle, set_points
from gilviz.ui.navigator import CHAPTER, LESSON, PAGE, LessonNavigator
from gilviz.ui.presenter import PresenterKeys, apply_theme, clamp_zoom, point_size
from gilviz.ui.settings import (
    open_settings,
    read_geometry,
    read_page,
    read_theme,
    read_zoom,
    repair,
)

WINDOW_TITLE = "gilviz: Python threads and the GIL, live"
PRESENTATION_MIN_PX = 20  # no text smaller than this in presentation mode


class ExportError(Exception):
    """An export that cannot be made; the message is shown to the user."""


class MainWindow(QMainWindow):
    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.registry = registry
        self.settings = open_settings()
        settings_notice = repair(self.settings, registry)
        self.navigator = LessonNavigator(registry)
        self.navigator.setMinimumWidth(230)
        self.presenting = False
        self.page = LessonPage(self.settings)
        self.intro = IntroPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.intro)
        self.pages.addWidget(self.page)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 1010])
        self.setCentralWidget(splitter)
        self.splitter = splitter

        self.position = QLabel()
        self.position.setObjectName("position")
        self.chapter_label = QLabel()
        self.statusBar().addWidget(self.chapter_label)
        self.latency_meter = LatencyMeter()
        self.statusBar().addPermanentWidget(self.page.cores)
        self.statusBar().addPermanentWidget(self.latency_meter)

        self.zoom = read_zoom(self.settings, clamp_zoom)
        self.dark = read_theme(self.settings) == "dark"
        self._build_toolbar()
        self._build_menu()
        self.presenter_keys = PresenterKeys(self, {
            "next": self.next_page, "previous": self.previous_page,
            "run": self.page.run, "stop": self.page.stop,
            "full_screen": self.toggle_full_screen,
            "zoom_in": lambda: self.set_zoom(self.zoom + 1),
            "zoom_out": lambda: self.set_zoom(self.zoom - 1),
            "zoom_reset": lambda: self.set_zoom(0),
            "presentation": self.presentation_action.toggle,
            **{f"tab_{n}": (lambda n=n: self.page.show_tab(n)) for n in range(1, 10)},
            **{name: (lambda name=name: self.page.lesson_key(name))
               for name in ("set_event", "replay_next", "replay_previous")},
        })
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.presenter_keys)
        self.navigator.pageChosen.connect(self._show_page)
        self.set_dark(self.dark)
        self.set_zoom(self.zoom)
        self._restore_place()
        self._shut_down = False
        if settings_notice:
            self.statusBar().showMessage(settings_notice, 20_000)

    def _build_toolbar(self) -> None:
        """Previous / position / Next in the menu bar's corner: no extra row of height."""
        corner = QWidget()
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 6, 0)
        keys = "Page Down/Up or arrows: next/previous · Space/F5: run · Esc: stop · " \
               "F6: presentation mode · F11: full screen · Ctrl+= / Ctrl+- / Ctrl+0: zoom" \
               " · 1-4: the lesson's tabs · E: set the event · . and ,: replay step"
        for text, tip, slot in (
            ("◀ Previous", "Previous page (Page Up, Left)", self.previous_page),
            ("Next ▶", "Next page (Page Down, Right)", self.next_page),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
            if text.startswith("◀"):
                row.addWidget(self.position)
        self.position.setToolTip(keys)
        self._corner = corner  # keep it alive: the menu bar does not take ownership
        self.menuBar().setCornerWidget(corner, Qt.Corner.TopRightCorner)

    def _restore_place(self) -> None:
        geometry = read_geometry(self.settings)
        if geometry is None or not self.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                available = screen.availableGeometry()
                self.resize(min(1280, available.width()), min(800, available.height()))
        kind, _, key = read_page(self.settings).partition(":")
        try:
            if kind == LESSON and key in self.navigator.lesson_ids():
                self.navigator.select(key)
                return
            if kind == CHAPTER:
                self.navigator.select_chapter(key)
                return
            if kind == PAGE:
                self.navigator.select_page(key)
                return
        except KeyError:
            pass
        self.navigator.select_opening()

    # pages ------------------------------------------------------------------------
    @Slot(str, str)
    def _show_page(self, kind: str, key: str) -> None:
        self.settings.setValue("page", f"{kind}:{key}")
        ids = [lesson.id for lesson in self.registry]
        if kind == LESSON:
            lesson = self.registry.get(key)
            self.page.show_lesson(lesson)
            self.pages.setCurrentWidget(self.page)
            self._show_position(f"{ids.index(key) + 1} / {len(ids)}")
            self.chapter_label.setText(lesson.chapter)
            return
        self.page.leave()
        if kind == CHAPTER:
            lessons = [lesson for lesson in self.registry if lesson.chapter == key]
            first = ids.index(lessons[0].id) + 1 if lessons else 1
            self.intro.show_text(chapter_notes(key) or f"# {key}", lessons, first)
            self.chapter_label.setText(key)
        elif kind == PAGE:
            self.intro.show_text(page_notes(key) or f"# {key}")
            self.chapter_label.setText(next((chapter for chapter, pages in
                                             CLOSING_PAGES.items() if key in dict(pages)), ""))
        else:
            self.intro.show_text(opening_notes() or "# gilviz")
            self.chapter_label.setText("Before the demos")
        self.pages.setCurrentWidget(self.intro)
        self._show_position(self._place_of(kind, key))

    def _show_position(self, text: str) -> None:
        """The page's place in the menu bar's corner, which is sized again to fit it."""
        self.position.setText(f"  {text}  ")
        self._corner.adjustSize()
        self.menuBar().updateGeometry()
        self.menuBar().adjustSize()

    def _place_of(self, kind: str, key: str) -> str:
        """Where a page without a lesson sits: the opening, or a chapter and its lessons."""
        chapters = [chapter for chapter, _ in self.registry.chapters()]
        if kind != CHAPTER or key not in chapters:
            return f"Opening · {len(self.registry)} lessons"
        ids = [lesson.id for lesson in self.registry]
        lessons = [lesson.id for lesson in self.registry if lesson.chapter == key]
        if not lessons:
            return f"Chapter {chapters.index(key) + 1} of {len(chapters)}"
        first, last = ids.index(lessons[0]) + 1, ids.index(lessons[-1]) + 1
        span = f"{first}" if first == last else f"{first}-{last}"
        return f"Chapter {chapters.index(key) + 1}/{len(chapters)} · {span} of {len(ids)}"

    @Slot()
    def next_page(self) -> None:
        self.navigator.step(+1)

    @Slot()
    def previous_page(self) -> None:
        self.navigator.step(-1)

    # presentation -----------------------------------------------------------------
    @Slot()
    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def set_zoom(self, steps: int) -> None:
        """Scale every text of the window, painted or not, from one base size."""
        self.zoom = clamp_zoom(steps)
        self.settings.setValue("zoom", self.zoom)
        self._apply_scale()

    def _apply_scale(self) -> None:
        points = float(point_size(self.zoom))
        if self.presenting:  # the zoom still adds on top, from a floor the room can read
            floor = points_for_pixels(PRESENTATION_MIN_PX, self)
            points = max(points, floor) + max(0, self.zoom)
        set_points(points)
        restyle(self)

    @Slot(bool)
    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.settings.setValue("theme", "dark" if dark else "light")
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, dark)
        # Widgets styled by a style sheet keep the palette they were polished with:
        # setting the sheet again repolishes them in the new colours.
        self.page.setStyleSheet(self.page.styleSheet())
        restyle(self)
        if hasattr(self, "dark_action"):
            self.dark_action.setChecked(dark)

    @Slot(bool)
    def set_presentation(self, on: bool) -> None:
        """Presentation mode: no navigator, no settings form, the lesson's visuals get
        the width, and no text smaller than PRESENTATION_MIN_PX. Leaving it puts the
        layout and the sizes back as they were."""
        if on == self.presenting:
            return
        self.presenting = on
        if on:
            self._normal_split = self.splitter.sizes()
        self.navigator.setVisible(not on)
        self.chapter_label.setVisible(not on)  # the status bar's room goes to CPU and lag
        self.page.set_presentation(on)
        self._apply_scale()
        if not on and getattr(self, "_normal_split", None):
            self.splitter.setSizes(self._normal_split)
        if self.presentation_action.isChecked() != on:
            self.presentation_action.setChecked(on)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for text, shortcut, slot in (
            ("Export timeline (Chrome trace)…", "Ctrl+T", self._ask_trace),
            ("Export run history (CSV)…", "Ctrl+H", self._ask_history),
            ("Save view as PNG…", "Ctrl+P", self._ask_png),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

        view = self.menuBar().addMenu("&View")
        self.presentation_action = QAction("Presentation mode\tF6", self)
        self.presentation_action.setObjectName("presentationModeAction")
        self.presentation_action.setCheckable(True)
        self.presentation_action.setToolTip("Hide the lesson list and the settings; "
                                            "large text for the room (F6)")
        self.presentation_action.toggled.connect(self.set_presentation)
        view.addAction(self.presentation_action)
        self.dark_action = QAction("Dark theme", self)
        self.dark_action.setCheckable(True)
        self.dark_action.setChecked(self.dark)
        self.dark_action.toggled.connect(self.set_dark)
        view.addAction(self.dark_action)
        for text, keys, slot in (
            ("Zoom in", "Ctrl+=", lambda: self.set_zoom(self.zoom + 1)),
            ("Zoom out", "Ctrl+-", lambda: self.set_zoom(self.zoom - 1)),
            ("Actual size", "Ctrl+0", lambda: self.set_zoom(0)),
            ("Full screen", "F11", self.toggle_full_screen),
        ):
            action = QAction(f"{text}\t{keys}", self)  # keys handled by PresenterKeys
            action.triggered.connect(slot)
            view.addAction(action)

    # exports: the ask_* slots pick a file, the export_* methods write it (and are tested)
    def export_trace(self, path: Path) -> None:
        trace = self.page.chrome_trace()
        if trace is None:
            raise ExportError("Run a lesson first: there is no timeline to export yet.")
        path.write_text(json.dumps(trace))

    def export_history(self, path: Path) -> None:
        if not self.page.history:
            raise ExportError("Run a lesson first: the run history is empty.")
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(self.page.history[0]))
            writer.writeheader()
            writer.writerows(self.page.history)

    def export_png(self, path: Path) -> None:
        if not self.page.grab().save(str(path), "PNG"):
            raise ExportError(f"Could not write {path}.")

    def _ask_and_export(self, title: str, suggestion: str, pattern: str,
                        export: Callable[[Path], None]) -> None:
        name, _ = QFileDialog.getSaveFileName(self, title, suggestion, pattern)
        if not name:
            return
        try:
            export(Path(name))
        except (ExportError, OSError) as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        self.statusBar().showMessage(f"Saved {name}", 5000)

    @Slot()
    def _ask_trace(self) -> None:
        lesson = self.page.lesson.id if self.page.lesson else "run"
        self._ask_and_export("Export timeline", f"gilviz-{lesson}-trace.json",
                             "Chrome trace (*.json)", self.export_trace)

    @Slot()
    def _ask_history(self) -> None:
        self._ask_and_export("Export run history", "gilviz-runs.csv", "CSV (*.csv)",
                             self.export_history)

    @Slot()
    def _ask_png(self) -> None:
        lesson = self.page.lesson.id if self.page.lesson else "view"
        self._ask_and_export("Save view as PNG", f"gilviz-{lesson}.png", "PNG image (*.png)",
                             self.export_png)

    def shutdown(self) -> None:
        """Stop any run and wait for its threads; safe to call more than once."""
        if self._shut_down:
            return
        self._shut_down = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.presenter_keys)
        self.settings.setValue("geometry", self.saveGeometry())
        self.page.remember_params()
        self.settings.sync()
        self.latency_meter.stop()
        self.page.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
