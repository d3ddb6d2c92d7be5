"""Bad command lines: each exits 2 with one line on stderr naming the problem, no
traceback, nothing run, and no window (Qt is never even imported)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TIMEOUT_S = 30


def gilviz(*args: str) -> subprocess.CompletedProcess:
    # No display and no offscreen platform: a window that opened by mistake could only
    # fail or hang, and the timeout would catch the hang.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM",
                                                             "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "gilviz", *args], capture_output=True,
                          text=True, timeout=TIMEOUT_S, env=env, stdin=subprocess.DEVNULL)


def assert_usage_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("gilviz: error:") and "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert proc.stdout == ""
    return lines[0]


@pytest.mark.parametrize(("typo", "meant"), [("lsit", "list"), ("--self-tset", "--self-test"),
                                             ("--json", None), ("rnu", "run"),
                                             ("--isolated", None), ("x" * 300, None)])
def test_an_unknown_command_names_the_valid_ones_and_opens_no_window(typo, meant):
    line = assert_usage_error(gilviz(typo), "valid: list, run", "--self-test")
    if meant:
        assert f"did you mean {meant}?" in line


def test_no_qt_is_loaded_to_refuse_a_command():
    code = ("import sys; from gilviz.app import main; rc = main(['lsit']); "
            "print('PySide6' in sys.modules); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    assert proc.returncode == 2 and proc.stdout.strip() == "False"


def unwritable_file(tmp_path: Path) -> str:
    """A file this user cannot write: mode 444, or for root (whom modes do not stop) a
    kernel file no one may write."""
    if os.geteuid() == 0:
        return "/proc/version"
    path = tmp_path / "read-only.json"
    path.write_text("{}")
    path.chmod(0o444)
    return str(path)


def unwritable_folder(tmp_path: Path) -> str:
    if os.geteuid() == 0:
        return "/sys/kernel/gilviz-trace.json"
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    return str(folder / "trace.json")


@pytest.mark.parametrize(("kind", "expected"), [
    ("missing folder", "does not exist"), ("a folder", "is a folder"),
    ("empty", "needs a file name"), ("blank", "needs a file name"),
    ("read-only file", "cannot write there"), ("unwritable folder", "cannot write there"),
])
def test_a_bad_trace_path_is_refused_before_the_run(tmp_path, kind, expected):
    path = {"missing folder": str(tmp_path / "no" / "such" / "trace.json"),
            "a folder": str(tmp_path), "empty": "", "blank": "  ",
            "read-only file": unwritable_file(tmp_path),
            "unwritable folder": unwritable_folder(tmp_path)}[kind]
    # A lesson that takes 10 s if it were run: the refusal must come first.
    proc = gilviz("run", "thread-start", "--set", "count=20", "--set", "interval_s=0.5",
                  "--trace", path)
    assert_usage_error(proc, "--trace", expected)


def test_a_good_trace_path_is_left_as_it_was_found_until_the_run_writes_it(tmp_path):
    path = tmp_path / "trace.json"
    proc = gilviz("run", "thread-start", "--set", "count=2", "--set", "interval_s=0.01",
                  "--trace", str(path))
    assert proc.returncode == 0, proc.stderr
    assert path.read_text().startswith("{")


# Every kind of parameter with values it must refuse.
BAD_VALUES = [
    ("gil-cpu", "threads=abc", "whole number"),
    ("gil-cpu", "threads=1.5", "whole number"),
    ("gil-cpu", "threads=", "whole number"),
    ("gil-cpu", "threads=0", "between"),
    ("gil-cpu", "threads=1000000000", "between"),
    ("gil-cpu", "threads=" + "9" * 5000, "whole number"),
    ("gil-cpu", "threads=\u0664", "digits 0-9"),  # Arabic-Indic four: not a 4
    ("gil-cpu", "threads=\uff14", "digits 0-9"),  # full-width four
    ("gil-io", "wait_s=abc", "a number"),
    ("gil-io", "wait_s=nan", "between"),
    ("gil-io", "wait_s=inf", "between"),
    ("gil-io", "wait_s=-1", "between"),
    ("gil-io", "wait_s=\u0661\u066b\u0665", "digits 0-9"),
    ("race", "variant=bogus", "one of"),
    ("race", "variant=", "one of"),
    ("thread-args", "message=", "must not be empty"),
    ("thread-args", "message=" + "m" * 500, "at most"),
    ("fetch", "urls=file:///etc/passwd", "only http:// and https://"),
    ("fetch", "urls=http://a..b/", "not a host name"),
    ("fetch", "urls=" + ",".join(["https://python.org"] * 51), "at most 50"),
    ("fetch", "urls=,,,", "at least one"),
    ("gil-cpu", "nosuch=1", "unknown parameter"),
    ("gil-cpu", "threads", "NAME=VALUE"),
    ("gil-cpu", "=4", "NAME=VALUE"),
]


@pytest.mark.parametrize(("lesson", "assignment", "expected"), BAD_VALUES)
def test_a_bad_value_for_every_kind_of_parameter_exits_2(lesson, assignment, expected):
    assert_usage_error(gilviz("run", lesson, "--set", assignment), expected)


@pytest.mark.parametrize(("args", "expected"), [
    (("run", "no-such-lesson"), "no-such-lesson"),
    (("run",), "lesson"),
    (("run", "gil-cpu", "--isolated", "--in-process"), "not allowed"),
    (("run", "many-threads", "--set", "kind=qthread", "--isolated"), "--in-process"),
    (("run", "gil-cpu", "--bogus"), "--bogus"),
    (("list", "extra"), "extra"),
])
def test_other_bad_command_lines_exit_2(args, expected):
    assert_usage_error(gilviz(*args), expected)


def test_ascii_digits_still_work():
    from gilviz.core.params import parse_assignments
    from gilviz.demos import REGISTRY
    params = parse_assignments(REGISTRY.get("gil-cpu").params, ["threads=4"])
    assert params["threads"] == 4
