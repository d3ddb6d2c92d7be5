"""Suite-wide guards: every test must leave no thread or child process behind."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEFTOVER_GRACE_S = 3.0


def _real_threads() -> set[threading.Thread]:
    # Dummy threads are Python's view of threads it did not start (QThreads); they are
    # never removed from threading.enumerate(), so they cannot be checked this way.
    return {t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}


def _is_resource_tracker(pid: int) -> bool:
    # multiprocessing's spawn starts one long-lived helper per interpreter: not a leak.
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _child_pids() -> set[int]:
    pids: set[int] = set()
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids.update(int(pid) for pid in children.read_text().split())
        except OSError:
            continue
    return {pid for pid in pids if not _is_resource_tracker(pid)}


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Each test gets its own settings file: none touches the user's, none leaks into
    the next test."""
    monkeypatch.setenv("GILVIZ_SETTINGS", str(tmp_path / "gilviz-settings.ini"))


@pytest.fixture(autouse=True)
def no_leftovers():
    threads_before = _real_threads()
    children_before = _child_pids()
    yield
    deadline = time.monotonic() + LEFTOVER_GRACE_S
    extra = _real_threads() - threads_before
    while extra and time.monotonic() < deadline:
        for thread in extra:
            thread.join(0.05)
        extra = {t for t in extra if t.is_alive()}
    extra_children = _child_pids() - children_before
    while extra_children and time.monotonic() < deadline:
        time.sleep(0.05)
        extra_children = _child_pids() - children_before
    assert not extra, f"test left threads running: {sorted(t.name for t in extra)}"
    assert not extra_children, f"test left child processes: {sorted(extra_children)}"


# --- The free-threaded CPython (issue 14): built by the set-up command, once per machine ---

FREE_THREADED_BUILD_TIMEOUT_S = 1800


def pytest_collection_modifyitems(config, items):
    """Tests marked `freethreaded` may have to wait for the first build (~4 minutes):
    give them room while the cache is cold, keep the usual timeout once it is warm."""
    from gilviz.tools.free_threaded import cached_python

    if cached_python() is not None:
        return
    for item in items:
        if item.get_closest_marker("freethreaded"):
            item.add_marker(pytest.mark.timeout(FREE_THREADED_BUILD_TIMEOUT_S + 120),
                            append=False)  # closest: wins over the test's own


@pytest.fixture(scope="session")
def free_threaded_python(request):
    """An EngineCommand for a free-threaded CPython, got the way a user gets it: by running
    scripts/get-free-threaded.sh (a build the first time, the cache afterwards). A failed
    build fails the tests that need it, with the reason; it never skips them."""
    import subprocess

    from gilviz.core.engine_python import EngineUnavailable, engine_python
    from gilviz.core.interpreters import describe
    from gilviz.core.user_cache import free_threaded_root

    script = Path(__file__).resolve().parents[1] / "scripts" / "get-free-threaded.sh"
    free_threaded_root().mkdir(parents=True, exist_ok=True)
    log = free_threaded_root() / "tests-setup.log"  # the build itself logs to build.log
    from gilviz.tools.free_threaded import cached_python

    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if cached_python() is None and reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown live, not captured
            reporter.write_line(f"\nbuilding a free-threaded CPython with {script.name} "
                                f"(once, about 4 minutes); progress in {log}")
    with open(log, "w") as progress:
        try:
            proc = subprocess.run([str(script)], stdout=subprocess.PIPE, stderr=progress,
                                  stdin=subprocess.DEVNULL, text=True,
                                  timeout=FREE_THREADED_BUILD_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{script.name} took over {FREE_THREADED_BUILD_TIMEOUT_S} s; see {log}")
    if proc.returncode != 0:
        lines = [line for line in log.read_text().splitlines() if line.strip()]
        reason = next((line for line in lines if line.startswith("get-free-threaded:")),
                      lines[-1] if lines else f"exit status {proc.returncode}")
        pytest.fail(f"no free-threaded Python: {reason} (see {log})")
    interpreter = describe(proc.stdout.strip().splitlines()[-1])
    if not (interpreter.usable and interpreter.free_threaded):
        pytest.fail(f"{interpreter.path} is not a usable free-threaded Python: "
                    f"{interpreter.problem or 'built with the GIL'}")
    try:
        return engine_python(interpreter)
    except EngineUnavailable as exc:
        pytest.fail(f"the free-threaded Python cannot host the engine: {exc}")
