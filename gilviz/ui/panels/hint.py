"""The box an empty tab shows: what setting fills it, and a button that sets it and runs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


class FillHint(QFrame):
    """'Set Trials above 1 to see how the loss varies' + [Run 20 trials]."""

    chosen = Signal(dict)

    def __init__(self, text: str, button: str, values: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fillHint")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.values = dict(values)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.button = QPushButton(button)
        self.button.setObjectName("fillHintButton")
        self.button.setToolTip("Sets " + ", ".join(f"{k} = {v}" for k, v in values.items())
                               + " in the settings and runs the lesson")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.button.clicked.connect(self._choose)

    @Slot()
    def _choose(self) -> None:
        self.chosen.emit(dict(self.values))
