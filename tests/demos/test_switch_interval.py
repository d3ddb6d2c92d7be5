import sys

from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe
from gilviz.demos import REGISTRY
from gilviz.demos.switch_interval import INTERVALS_MS
from tests.demos.helpers import run_lesson


def test_short_intervals_hand_over_more_and_finish_closer_together():
    before = sys.getswitchinterval()
    outcome, _ = run_lesson("switch-interval", threads=4, iterations=1_000_000)
    rows = outcome.result["intervals"]
    assert [row["switch_interval_ms"] for row in rows] == list(INTERVALS_MS)
    shortest, longest = rows[0], rows[-1]
    assert shortest["handovers"] > 5 * max(1, longest["handovers"])
    assert shortest["finish_spread"] < longest["finish_spread"]
    assert sys.getswitchinterval() == before


def test_the_switch_interval_is_restored_after_a_stop():
    before = sys.getswitchinterval()
    probe = Probe()
    import threading

    threading.Timer(0.2, probe.stop.set).start()
    outcome = execute(REGISTRY.get("switch-interval"),
                      {"threads": 4, "iterations": 50_000_000}, probe)
    assert outcome.stopped
    assert sys.getswitchinterval() == before
