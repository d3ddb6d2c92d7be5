import json
import subprocess
import sys


def test_quick_bench_measures_every_scenario(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "gilviz", "bench", "--quick", "--runs", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    names = [scenario["name"] for scenario in report["scenarios"]]
    assert "gil-cpu 64 threads, isolated" in names and "gil-cpu 8 threads, in GUI" in names
    assert "gil-io 64 threads" in names and "race 64 threads, in GUI" in names
    assert "gil-cpu 64 threads, isolated, Timeline" in names  # the live timeline on screen
    for scenario in report["scenarios"]:
        (run,) = scenario["runs"]
        assert 0 <= run["ui_lag_p50_ms"] <= run["ui_lag_p99_ms"] <= run["ui_lag_max_ms"]
        assert scenario["throughput_with"] > 0 and scenario["throughput_without"] > 0
        if sys.platform.startswith("linux"):  # the kernel sampler ran beside every run
            assert 0 < run["sampler_cpu_pct"] < 50
    isolated = next(s for s in report["scenarios"] if s["name"].endswith("8 threads, isolated"))
    assert isolated["runs"][0]["staleness_p50_ms"] is not None
    assert "scenario" in proc.stdout and "UI lag" in proc.stdout


def test_bench_rejects_zero_runs():
    proc = subprocess.run([sys.executable, "-m", "gilviz", "bench", "--runs", "0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--runs" in proc.stderr


def test_soak_reports_what_the_runs_leave_behind(tmp_path):
    out = tmp_path / "soak.json"
    proc = subprocess.run(
        [sys.executable, "-m", "gilviz", "bench", "--soak", "--cycles", "3", "--fetches", "2",
         "--out", str(out)], capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert report["cycles"] == 3 and report["fetch_runs"] == 2
    start, end = report["start"], report["end"]
    assert set(start) == {"rss_mib", "fds", "threads", "children", "shm_mapped",
                          "shm_entries"}
    assert end["threads"] == start["threads"] and end["fds"] <= start["fds"] + 2
    assert end["children"] <= start["children"] and end["shm_mapped"] <= start["shm_mapped"]
    assert {"race in-process", "race isolated", "gil-cpu isolated"} <= set(report["stop_ms"])
    assert "start" in proc.stdout and "fds" in proc.stdout
