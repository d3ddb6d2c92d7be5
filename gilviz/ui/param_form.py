"""Controls generated from a lesson's parameter specs: one widget per knob, bounds enforced."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from gilviz.core.params import ChoiceParam, FloatParam, IntParam, LinesParam, Param, TextParam
from gilviz.ui.lines_edit import LinesEdit


def _make_widget(spec: Param) -> QWidget:
    if isinstance(spec, IntParam):
        box = QSpinBox()
        box.setRange(spec.minimum, spec.maximum)
        box.setGroupSeparatorShown(True)
        box.setAccelerated(True)
        widget: QWidget = box
    elif isinstance(spec, FloatParam):
        dbox = QDoubleSpinBox()
        dbox.setDecimals(2)
        dbox.setRange(spec.minimum, spec.maximum)
        dbox.setSingleStep(0.05)
        dbox.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        if spec.unit:
            dbox.setSuffix(f" {spec.unit}")
        widget = dbox
    elif isinstance(spec, ChoiceParam):
        combo = QComboBox()
        for choice in spec.choices:
            combo.addItem(spec.label_of(choice), choice)
        widget = combo
    elif isinstance(spec, TextParam):
        line = QLineEdit()
        line.setMaxLength(spec.max_length)
        line.setClearButtonEnabled(True)
        widget = line
    elif isinstance(spec, LinesParam):
        widget = LinesEdit(spec)
    else:
        raise TypeError(f"no widget for {type(spec).__name__}")
    widget.setObjectName(f"param_{spec.name}")
    widget.setToolTip(f"{spec.help}.\n{spec.describe_bounds().capitalize()}.")
    return widget


class ParamForm(QWidget):
    """Shows the knobs of one lesson; values() returns raw values for core validation,
    leaving out knobs hidden by their `shown_when` (the run takes their defaults)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._specs: tuple[Param, ...] = ()
        self._widgets: dict[str, QWidget] = {}

    def set_specs(self, specs: tuple[Param, ...]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._specs = tuple(spec for spec in specs if spec.in_form)  # the page has the rest
        self._widgets = {}
        for spec in self._specs:
            widget = _make_widget(spec)
            self._widgets[spec.name] = widget
            self._layout.addRow(f"{spec.label}:", widget)
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._update_shown)
        self.reset()
        self._update_shown()

    def is_shown(self, spec: Param) -> bool:
        """False for a knob whose `shown_when` condition does not hold right now."""
        if spec.shown_when is None:
            return True
        other, value = spec.shown_when
        widget = self._widgets.get(other)
        return not isinstance(widget, QComboBox) or widget.currentData() == value

    @Slot()
    def _update_shown(self) -> None:
        for spec in self._specs:
            self._layout.setRowVisible(self._widgets[spec.name], self.is_shown(spec))

    def widget(self, name: str) -> QWidget:
        return self._widgets[name]

    def reset(self) -> None:
        self.set_values({spec.name: spec.default for spec in self._specs})

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            widget = self._widgets.get(name)
            if isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QLineEdit):
                widget.setText(value)
            elif isinstance(widget, LinesEdit):
                widget.set_lines(value)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        hidden = {spec.name for spec in self._specs if not self.is_shown(spec)}
        for name, widget in self._widgets.items():
            if name in hidden:
                continue  # it does not apply to these settings: the run uses its default
            if isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.interpretText()  # take a half-typed number too
                values[name] = widget.value()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentData()
            elif isinstance(widget, QLineEdit | LinesEdit):
                values[name] = widget.text()
        return values
