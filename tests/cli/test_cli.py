import json
import subprocess
import sys

import pytest

from gilviz.demos import REGISTRY
from tests.quick import quick


def gilviz(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gilviz", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_list_json_is_the_registry_in_order():
    proc = gilviz("list", "--json")
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert listing == [lesson.to_listing() for lesson in REGISTRY]


def test_list_text_groups_by_chapter():
    proc = gilviz("list")
    assert proc.returncode == 0
    assert "thread-join" in proc.stdout and REGISTRY.get("thread-join").chapter in proc.stdout


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in REGISTRY])
def test_every_lesson_runs_headless_with_json(lesson_id):
    settings = quick(lesson_id)
    assignments = [arg for name, value in settings.items() for arg in ("--set", f"{name}={value}")]
    proc = gilviz("run", lesson_id, *assignments, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["demo"] == lesson_id
    assert {name: data["params"][name] for name in settings} == settings
    assert data["elapsed_s"] > 0
    assert data["result"]
    lesson = REGISTRY.get(lesson_id)
    assert data["placement"] == ("isolated" if lesson.prefers_isolated else "in-process")


@pytest.mark.parametrize("placement", ["--isolated", "--in-process"])
def test_both_placements_give_the_same_fields(placement):
    proc = gilviz("run", "gil-cpu", "--set", "threads=2", "--set", "iterations=50000",
                  placement, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["placement"] == placement.lstrip("-")
    assert {"sequential_s", "threaded_s", "speedup"} <= set(data["result"])


def test_qthreads_are_refused_in_the_isolated_engine():
    proc = gilviz("run", "many-threads", "--set", "kind=qthread", "--isolated")
    assert proc.returncode == 2
    assert "--in-process" in proc.stderr


def test_race_json_has_expected_actual_and_lost():
    proc = gilviz("run", "race", "--set", "threads=4", "--set", "iterations=2000", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert result["expected"] == 8_000
    assert result["actual"] + result["lost"] == 8_000
    assert result["lost"] > 0  # the forced race, as in the lecture
    assert 0 < result["lost_pct"] < 100


def test_lock_json_is_exact_and_timed():
    proc = gilviz("run", "lock", "--set", "iterations=500", "--set", "granularity=whole-loop",
                  "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert result["expected"] == result["actual"] == 2_000 and result["lost"] == 0
    assert result["whole_loop_s"] > 0 and result["per_increment_s"] > 0
    assert result["race_s"] > 0


def test_race_text_mode_summarises_the_replay():
    proc = gilviz("run", "race", "--set", "threads=2", "--set", "iterations=10")
    assert proc.returncode == 0, proc.stderr
    assert "replay: 40 records (see --json)" in proc.stdout


def test_many_threads_json_counts():
    proc = gilviz("run", "many-threads", "--set", "threads=8", "--set", "count=3",
                  "--set", "interval_s=0.01", "--json")
    result = json.loads(proc.stdout)["result"]
    assert result["counts"] == [3] * 8 and result["distinct_thread_ids"] == 8


def test_text_mode_prints_the_log_and_the_takeaway():
    proc = gilviz("run", "thread-join", "--set", "interval_s=0.01", "--set", "count=3")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    worker = [i for i, line in enumerate(lines) if "Thread-1" in line and "number is" in line]
    main = [i for i, line in enumerate(lines) if "Hello from the main thread" in line]
    assert len(worker) == 3 and main and main[0] > worker[-1]
    assert "join() held main" in proc.stdout


def test_thread_pool_json_lists_who_ran_each_task():
    proc = gilviz("run", "thread-pool", "--set", "unit_s=0.01", "--set", "mode=submit",
                  "--set", "durations=falling", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert [task["task"] for task in result["tasks"]] == [1, 2, 3, 4, 5]
    for task in result["tasks"]:
        assert task["worker"].startswith("Worker_") and 0 <= task["start"] < task["end"]
    assert sorted(result["result_order"]) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("placement", ["--isolated", "--in-process"])
def test_process_vs_thread_json_times_both_pools(placement):
    proc = gilviz("run", "process-vs-thread", "--set", "workers=2", "--set", "tasks=2",
                  "--set", "iterations=20000", placement, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["placement"] == placement.lstrip("-")
    result = data["result"]
    assert result["thread_s"] > 0 and result["process_s"] > 0
    assert result["process_startup_s"] > 0
    assert all(task["worker"].startswith("pid ") for task in result["process_tasks"])


def test_event_json_sets_the_event_after_the_delay():
    proc = gilviz("run", "event", "--set", "workers=3", "--set", "delay_s=0.2",
                  "--set", "count=1", "--set", "interval_s=0.01", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert result["set_by"] == "delay" and 0.2 <= result["event_set_at"] < 1.0
    assert result["released"] == 3 and result["released_early"] == 0


def test_daemon_text_mode_streams_both_children_and_marks_the_cut():
    proc = gilviz("run", "daemon", "--set", "messages=5", "--set", "interval_s=0.05",
                  "--set", "main_s=0.1")
    assert proc.returncode == 0, proc.stderr
    assert "daemon=True" in proc.stdout and "daemon=False" in proc.stdout
    assert "✂ the interpreter exited here" in proc.stdout
    assert "all 5 messages printed" in proc.stdout
    assert "daemon_cut_short: True" in proc.stdout
    assert "non_daemon_cut_short: False" in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "thread-pool", "--set", "workers=0"], "workers must be between 1 and 32"),
        (["run", "thread-pool", "--set", "mode=fast"], "mode must be one of map, submit"),
        (["run", "process-vs-thread", "--set", "work=gpu"], "work must be one of cpu, io"),
        (["run", "event", "--set", "timeout_s=-1"], "timeout_s must be between 0 and 60"),
        (["run", "daemon", "--set", "messages=1000"], "messages must be between 1 and 50"),
        (["run", "no-such-lesson"], "unknown lesson 'no-such-lesson'"),
        (["run", "many-threads", "--set", "threads=0"], "threads must be between 1 and 64"),
        (["run", "many-threads", "--set", "threads=65"], "threads must be between 1 and 64"),
        (["run", "many-threads", "--set", "threads=lots"], "whole number"),
        (["run", "many-threads", "--set", "bogus=1"], "unknown parameter 'bogus'"),
        (["run", "many-threads", "--set", "kind=fibre"], "kind must be one of"),
        (["run", "thread-args", "--set", "message="], "message must not be empty"),
        (["run", "race", "--set", "variant=sloppy"], "variant must be one of"),
        (["run", "race", "--set", "switch_interval_ms=0.01"],
         "switch_interval_ms must be between 0.1 and 100"),
        (["run", "fetch", "--set", "urls=https://a.invalid,file:///etc/passwd"],
         "urls: 'file:///etc/passwd': only http:// and https:// URLs are fetched"),
        (["run", "fetch", "--set", "urls=javascript:alert(1)"], "only http:// and https://"),
        (["run", "fetch", "--set", "urls=http:///nohost"], "no host name"),
        (["run", "fetch", "--set", "urls=,"], "urls must list at least one item"),
        (["run", "fetch", "--set", "latency_s=3"], "latency_s must be between 0 and 2"),
        (["run", "fetch", "--set", "source=ftp"], "source must be one of local, web"),
        (["run"], "required"),
        (["run", "thread-start", "--frobnicate"], "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(args, message):
    proc = gilviz(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert message in proc.stderr


@pytest.mark.parametrize("placement", ["--isolated", "--in-process"])
def test_trace_file_has_one_track_per_thread(tmp_path, placement):
    trace = tmp_path / "run.json"
    proc = gilviz("run", "many-threads", "--set", "threads=3", "--set", "count=2",
                  "--set", "interval_s=0.05", placement, "--trace", str(trace), "--json")
    assert proc.returncode == 0, proc.stderr
    events = json.loads(trace.read_text())["traceEvents"]
    tracks = {e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert tracks == {"main", "Thread-1", "Thread-2", "Thread-3"}
    timed = [e for e in events if e["ph"] != "M"]
    assert [e["ts"] for e in timed] == sorted(e["ts"] for e in timed)
    assert all(e["dur"] >= 0 for e in timed if e["ph"] == "X")
    blocked = [e for e in timed if e["name"] == "blocked"]
    assert sum(e["dur"] for e in blocked) > 3 * 2 * 0.05 * 1e6 * 0.8  # the workers' sleeps


def test_help_names_the_window_options():
    proc = gilviz("--help")
    assert proc.returncode == 0
    for option in ("--self-test", "--install-desktop", "--uninstall-desktop", "bench"):
        assert option in proc.stdout


@pytest.mark.parametrize("placement", ["--in-process", "--isolated"])
def test_fetch_json_has_strategies_and_url_rows(placement):
    proc = gilviz("run", "fetch", "--set", "latency_s=0.05", "--set", "errors=some",
                  "--set", "timeout_s=0.3", placement, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert set(result["strategies"]) == {"sequential", "threads", "pool"}
    assert all(seconds > 0 for seconds in result["strategies"].values())
    assert set(result["speedup"]) == {"threads", "pool"}
    assert len(result["urls"]) == 11
    for row in result["urls"]:
        assert {"url", "status", "bytes", "seconds", "error"} <= set(row)
    errors = [row["error"] for row in result["urls"]]
    assert errors[:7] == [None] * 7
    assert errors[7:10] == ["HTTP 500", "timeout after 0.3 s", "connection refused"]
    assert errors[10].startswith("invalid URL")


def test_fetch_takes_a_comma_separated_url_list():
    proc = gilviz("run", "fetch", "--set", "source=web", "--set", "timeout_s=1",
                  "--set", "urls=https://one.invalid, http://two.invalid/page", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["params"]["urls"] == ["https://one.invalid", "http://two.invalid/page"]
    rows = data["result"]["urls"]
    assert [row["error"] for row in rows] == ["cannot resolve host (offline?)"] * 2
