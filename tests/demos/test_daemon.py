import threading
import time

import psutil

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY, daemon_script
from gilviz.demos.daemon import command


def _said(snapshot, lane):
    return [e for e in snapshot.events if e.thread == lane]


def test_the_daemon_child_is_cut_short_and_the_other_child_is_complete():
    probe = Probe()
    outcome = execute(REGISTRY.get("daemon"),
                      {"messages": 10, "interval_s": 0.05, "main_s": 0.1}, probe)
    result = outcome.result
    assert outcome.error is None
    assert result["daemon_cut_short"] and result["daemon_lines"] <= 4
    assert not result["non_daemon_cut_short"] and result["non_daemon_lines"] == 10
    assert result["daemon_exit_code"] == result["non_daemon_exit_code"] == 0
    assert result["daemon_exit_after_main_s"] < 0.3  # it did not wait for its worker
    assert result["non_daemon_exit_after_main_s"] > 0.8 * (10 * 0.05 - 0.1)
    snapshot = probe.snapshot()
    cut = [e.text for e in _said(snapshot, "daemon=True")]
    assert any(text.endswith("worker: message 1 of 10") for text in cut)
    assert cut[-1].startswith("✂") and f"{result['daemon_lines']} of 10" in cut[-1]
    assert not any("worker: all" in text for text in cut)
    assert any("all 10 messages printed" in e.text for e in _said(snapshot, "daemon=False"))


def test_the_output_streams_while_the_child_runs():
    probe = Probe()
    outcome = execute(REGISTRY.get("daemon"),
                      {"variant": "non-daemon", "messages": 6, "interval_s": 0.1,
                       "main_s": 0.0}, probe)
    lines = [e for e in _said(probe.snapshot(), "daemon=False") if "worker: message" in e.text]
    assert len(lines) == 6
    assert lines[-1].t - lines[0].t > 0.8 * 5 * 0.1  # each line came when it was printed
    assert "daemon_lines" not in outcome.result


def test_stop_kills_the_child_at_once():
    probe = Probe()
    threading.Timer(0.5, probe.stop.set).start()
    started = time.perf_counter()
    outcome = execute(REGISTRY.get("daemon"),
                      {"messages": 50, "interval_s": 1.0, "main_s": 10.0}, probe)
    assert outcome.stopped
    assert time.perf_counter() - started < 0.5 + 0.5
    assert all(e.text == "stopped: the child was killed"
               for e in probe.snapshot().events if e.text.startswith("stopped"))
    assert not [child for child in psutil.Process().children(recursive=True)
                if "daemon_script" in " ".join(child.cmdline())]


def test_the_command_runs_the_script_module_without_a_shell():
    argv = command(True, {"messages": 3, "interval_s": 0.5, "main_s": 1.0})
    assert argv[argv.index("-m") + 1] == daemon_script.__name__
    assert argv[-6:] == ["--messages", "3", "--interval", "0.5", "--main-s", "1.0"]
