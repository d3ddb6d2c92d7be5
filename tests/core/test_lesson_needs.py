"""What a lesson needs from the interpreter, said before the run."""

from __future__ import annotations

from gilviz.core.interpreter_probe import Interpreter, running_interpreter
from gilviz.core.lesson_needs import unmet_need, version_tuple
from gilviz.demos import REGISTRY

FREE = Interpreter(path="/x/python3.13t", version="3.13.5", free_threaded=True,
                   gil_enabled=False, usable=True)
NEW = Interpreter(path="/x/python3.14", version="3.14.0", usable=True)


def test_version_tuple():
    assert version_tuple("3.13.5") == (3, 13, 5)
    assert version_tuple("3.14.0rc1") == (3, 14, 0)
    assert version_tuple(None) == () and version_tuple("?") == ()


def test_qthreads_cannot_run_in_any_engine_and_the_reason_names_the_build():
    lesson = REGISTRY.get("many-threads")
    assert "no free-threaded build has PySide6" in unmet_need(lesson, {"kind": "qthread"}, FREE)
    here = unmet_need(lesson, {"kind": "qthread"}, running_interpreter())
    assert "the isolated engine does not load it" in here and "inside the window's process" in here
    assert unmet_need(lesson, {"kind": "qthread"}, running_interpreter(), in_engine=False) \
        is None
    assert unmet_need(lesson, {"kind": "threading"}, FREE) is None


def test_a_setting_that_needs_a_newer_python_says_which(monkeypatch):
    lesson = REGISTRY.get("process-vs-thread")
    params = {spec.name: spec.default for spec in lesson.params}
    assert unmet_need(lesson, params, FREE) is None
    params["pools"] = "interpreters"
    why = unmet_need(lesson, params, FREE)
    assert why == ("InterpreterPoolExecutor needs Python 3.14 or newer, and this is "
                   "Python 3.13.5t (free-threaded, no GIL)")
    assert unmet_need(lesson, params, NEW) is None
