import threading
import time

from gilviz.core.lesson import Lesson
from gilviz.core.params import IntParam
from gilviz.core.runner import execute
from gilviz.core.telemetry import Probe

N = IntParam("n", "N", "steps", default_value=3, minimum=1, maximum=10)


def _lesson(run, report=None):
    return Lesson(id="t", title="T", chapter="C", blurb="", params=(N,), run=run,
                  takeaway=lambda r: "", report=report)


def test_runner_waits_for_threads_the_lesson_did_not_join():
    def run(params, probe, stop):
        def worker():
            lane = probe.lane()
            for _ in lane.steps(params["n"]):
                lane.sleep(0.02)

        threading.Thread(target=worker, name="W").start()
        return {"returned_at": probe.now()}

    def report(result, snapshot):
        return {**result, "worker_ended": snapshot.lane("W").ended_s}

    outcome = execute(_lesson(run, report), {"n": 5})
    assert outcome.error is None and not outcome.stopped
    assert outcome.result["worker_ended"] > outcome.result["returned_at"]
    assert outcome.elapsed_s >= 0.1


def test_a_lesson_that_raises_is_reported_not_raised():
    def run(params, probe, stop):
        raise RuntimeError("boom")

    outcome = execute(_lesson(run))
    assert outcome.error == "RuntimeError: boom"
    assert "error" in outcome.to_json()


def test_stop_is_reported_and_ends_the_run():
    probe = Probe()

    def run(params, probe, stop):
        lane = probe.lane()
        for _ in lane.steps(10):
            lane.sleep(5)
        return {"count": lane.count}

    threading.Timer(0.1, probe.stop.set).start()
    started = time.perf_counter()
    outcome = execute(_lesson(run), {"n": 10}, probe)
    assert time.perf_counter() - started < 2
    assert outcome.stopped
    assert outcome.result == {"count": 1}


def test_json_form_has_the_contract_fields():
    outcome = execute(_lesson(lambda params, probe, stop: {"x": params["n"]}))
    data = outcome.to_json()
    assert {"demo", "params", "elapsed_s", "result"} <= set(data)
    assert data["params"] == {"n": 3} and data["result"] == {"x": 3}
