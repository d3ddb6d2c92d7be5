import os
import subprocess
import sys
import time

import pytest

from gilviz.core import cpu_load
from gilviz.core.cpu_load import CpuSample, OthersCpu, others_percent
from gilviz.core.verdict import BUSY_PCT
from tests.busy import busy_loops

linux = pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="reads /proc")


def test_others_are_the_machine_minus_ourselves_per_second():
    start = CpuSample(wall_s=10.0, machine_busy_s=100.0, ours_s=5.0)
    end = CpuSample(wall_s=12.0, machine_busy_s=104.0, ours_s=6.2)
    assert others_percent(start, end) == pytest.approx(140.0)  # 2.8 s of others in 2 s
    assert others_percent(start, CpuSample(12.0, 100.5, 6.0)) == 0.0  # never negative
    assert others_percent(start, CpuSample(10.05, 101.0, 5.0)) is None  # too short
    assert others_percent(None, end) is None


@linux
def test_two_busy_programs_are_seen_as_others():
    with busy_loops(2):
        meter = OthersCpu()
        time.sleep(1.0)
        others = meter.percent()
    assert others is not None and others > BUSY_PCT


@linux
def test_our_own_children_count_as_ours_not_others():
    before = cpu_load.sample()
    child = subprocess.Popen([sys.executable, "-c",
                              "import time\nt = time.process_time()\n"
                              "while time.process_time() - t < 0.5: pass"])
    child.wait(timeout=30)  # reaped: its CPU moves into our cutime
    after = cpu_load.sample()
    assert after.ours_s - before.ours_s >= 0.4


def test_without_proc_or_psutil_the_load_is_unknown(monkeypatch):
    monkeypatch.setattr(cpu_load, "PROC", cpu_load.Path("/nonexistent"))
    monkeypatch.setattr(cpu_load, "psutil", None)
    assert cpu_load.sample() is None
    assert OthersCpu().percent() is None


def _host_and_parent() -> tuple[int | None, int]:
    return cpu_load._host_pid(), os.getppid()


def test_in_a_spawned_engine_the_process_that_started_it_counts_as_ours():
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        host, parent = pool.apply(_host_and_parent)
    assert host == parent == os.getpid()
    assert cpu_load._host_pid() is None  # the top process has no host


def test_an_engine_started_as_a_plain_subprocess_knows_its_host_too():
    code = "from gilviz.core import cpu_load; print(cpu_load._host_pid())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    assert int(out) == os.getpid()  # this process imported cpu_load, so it is a host
    stranger = {k: v for k, v in os.environ.items() if k != cpu_load.HOST_ENV}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30, check=True, env=stranger).stdout
    assert out.strip() == "None"
