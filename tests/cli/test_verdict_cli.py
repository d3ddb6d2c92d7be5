"""`run --json` carries the window's sentence, and a busy machine never yields a claim of
parallel speed-up (the acceptance check of the verdicts)."""

import json
import os
import re
import subprocess
import sys

import pytest

from gilviz.core.verdict import BUSY_PCT, INCONCLUSIVE
from gilviz.demos import REGISTRY
from tests.busy import busy_loops

PARALLEL_CLAIM = re.compile(r"ran in parallel|hashed in parallel")


def run_json(lesson_id: str, *settings: str) -> dict:
    args = [arg for setting in settings for arg in ("--set", setting)]
    proc = subprocess.run([sys.executable, "-m", "gilviz", "run", lesson_id, *args, "--json"],
                          capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_json_carries_the_takeaway_the_window_shows():
    data = run_json("race", "iterations=300")
    lesson = REGISTRY.get("race")
    assert data["takeaway"] == lesson.conclusion(data["result"], data["stopped"])
    assert data["takeaway"] == lesson.takeaway(data["result"])
    assert f"{data['result']['lost']:,} updates" in data["takeaway"]


@pytest.mark.timeout(240)
@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="measures the load from /proc")
@pytest.mark.parametrize("lesson_id, settings", [
    ("gil-release", ("threads=1",)),
    ("gil-cpu", ("threads=2", "iterations=5000000")),
])
def test_two_busy_loops_never_give_a_parallel_claim(lesson_id, settings):
    with busy_loops(2):
        data = run_json(lesson_id, *settings)
    result, text = data["result"], data["takeaway"]
    assert result["others_cpu_pct"] > BUSY_PCT, result
    assert result["verdict"] == INCONCLUSIVE, (result, text)
    assert not PARALLEL_CLAIM.search(text), text
    assert "other programs used" in text and f"{result['speedup']:.2f}x" in text
