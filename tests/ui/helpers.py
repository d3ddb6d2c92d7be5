"""Drive the window the way a user does: pick a lesson, set knobs, press buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gilviz.ui.lines_edit import LinesEdit
from gilviz.ui.main_window import MainWindow

RUN_TIMEOUT_MS = 20_000


def find(window: QWidget, cls: type, name: str) -> Any:
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def choose_lesson(window: MainWindow, lesson_id: str) -> None:
    assert lesson_id in window.navigator.lesson_ids(), f"lesson {lesson_id} not listed"
    window.navigator.select(lesson_id)
    assert window.page.lesson is not None and window.page.lesson.id == lesson_id


def set_param(window: QWidget, name: str, value: Any) -> None:
    widget = window.findChild(QWidget, f"param_{name}")
    assert widget is not None, f"no widget for parameter {name}"
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        widget.setValue(value)
        assert widget.value() == value, f"{name} did not take {value}"
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        assert index >= 0, f"{name} has no choice {value}"
        widget.setCurrentIndex(index)
    elif isinstance(widget, QLineEdit):
        widget.setText(value)
    elif isinstance(widget, LinesEdit):
        widget.set_lines(value)
    else:
        raise AssertionError(f"unexpected widget for {name}: {widget}")


def click(qtbot, window: QWidget, button_name: str) -> None:
    button: QPushButton = find(window, QPushButton, button_name)
    assert button.isEnabled(), f"{button_name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def run_and_wait(qtbot, window: MainWindow, timeout_ms: int = RUN_TIMEOUT_MS):
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=timeout_ms) as blocker:
        click(qtbot, window, "runButton")
    return blocker.args[0]
