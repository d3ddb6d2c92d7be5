"""Guards against a PySide6 build whose Signal.emit() corrupts reference counts (6.12.0)."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ping = Signal(object)


def test_emitting_signals_keeps_reference_counts_intact(qapp):
    emitter = _Emitter()
    emitter.ping.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.ping.emit(None)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
