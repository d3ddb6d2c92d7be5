"""Lesson: worker threads wait on a threading.Event until main sets it.

Main sets the event itself, as in the lecture, but it can be told when: after a delay, or
when the lecturer presses "Set event" in the window (the press reaches main through
Probe.wait_for_poke, in either placement). A worker may also give up after a timeout.

With trigger=button main waits for the button for at most BUTTON_WAIT_S, then sets the
event anyway, so a run nobody watches (the CLI, a test) always ends.
"""

from __future__ import annotations

import threading
from typing import Any

from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, FloatParam, IntParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Probe
from gilviz.core.verdict import STOPPED
from gilviz.demos.chapters import EVENTS
from gilviz.demos.common import COUNT, MAIN, rounded

DELAY = "delay"
BUTTON = "button"
BUTTON_WAIT_S = 120.0
# How main came to set the event, for the result and the panel.
SET_BY_DELAY = "delay"
SET_BY_BUTTON = "button"
SET_BY_FALLBACK = "no button press: fallback"

WORKERS = IntParam(
    "workers", "Waiting workers", "How many worker threads wait on the same event",
    default_value=1, minimum=1, maximum=16,
)
TRIGGER = ChoiceParam(
    "trigger", "Main sets the event",
    "delay: after the delay, as the lecture's sleep(3), or sooner if you press Set event; "
    f"button: only when you press Set event (after {BUTTON_WAIT_S:.0f} s at most, so a run "
    "nobody watches still ends)",
    choices=(DELAY, BUTTON),
    choice_labels=("after the delay (or on the button)", "when the button is pressed"),
)
DELAY_S = FloatParam(
    "delay_s", "Delay", "How long main does its own setup before it sets the event",
    default_value=3.0, minimum=0.0, maximum=60.0, unit="s",
)
INTERVAL = FloatParam(
    "interval_s", "Pause after each step",
    "Seconds a released worker sleeps after each step of its work (the lecture's: 1 s)",
    default_value=1.0, minimum=0.01, maximum=2.0, unit="s",
)
TIMEOUT = FloatParam(
    "timeout_s", "Wait timeout",
    "How long each worker waits before it gives up: event.wait(timeout); 0 waits forever",
    default_value=0.0, minimum=0.0, maximum=60.0, unit="s",
)


def worker(probe: Probe, event: threading.Event, timeout: float | None, count: int,
           interval_s: float, board: list[dict[str, Any]], index: int) -> None:
    """The lecture's worker: wait for the event, then work in a few steps."""
    me = probe.lane()
    board[index] = {"worker": me.name, "state": "waiting", "since": probe.now()}
    me.say("waiting for the event to be set")
    with me.blocked("event"):  # asleep in event.wait(): it takes no CPU and no GIL
        is_set = event.wait(timeout)  # timeout None: as long as it takes
    now = probe.now()
    if probe.stop.is_set():
        board[index] = {**board[index], "state": "stopped"}
        me.finish()
        return  # Stop woke it, not the event
    if not is_set:
        board[index] = {**board[index], "state": "gave up", "gave_up_at": now}
        me.say(f"gave up after {timeout:g} s: the event was not set")
        me.finish()
        return
    board[index] = {**board[index], "state": "released", "released_at": now, "steps": 0}
    me.say("the event is set: proceeding")
    for step in me.steps(count):
        me.say("working...")
        if not me.sleep(interval_s):
            break
        board[index] = {**board[index], "steps": step + 1}
    if probe.stop.is_set():
        board[index] = {**board[index], "state": "stopped"}
        return
    board[index] = {**board[index], "state": "done"}
    me.say("finished its work")


def wait_for_trigger(probe: Probe, params: dict[str, Any], presses_seen: int) -> str | None:
    """Main's own work before it sets the event: the delay or the button, whichever the
    trigger says. Returns how the wait ended, or None when the run was stopped."""
    if params["trigger"] == DELAY:
        pressed = probe.wait_for_poke(presses_seen, params["delay_s"])
        outcome = SET_BY_BUTTON if pressed else SET_BY_DELAY
    else:
        pressed = probe.wait_for_poke(presses_seen, BUTTON_WAIT_S)
        outcome = SET_BY_BUTTON if pressed else SET_BY_FALLBACK
    return None if probe.stop.is_set() else outcome


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    event = threading.Event()
    timeout = params["timeout_s"] or None
    board: list[dict[str, Any]] = [{} for _ in range(params["workers"])]
    setting: dict[str, Any] = {"set": False}
    probe.watch("event", lambda: dict(setting))
    probe.watch("waiters", lambda: [dict(entry) for entry in list(board)])
    presses = 0  # each run starts with none: a press any time during the run counts
    threads = [
        threading.Thread(target=worker, name=f"Worker-{i + 1}",
                         args=(probe, event, timeout, params["count"], params["interval_s"],
                               board, i))
        for i in range(params["workers"])
    ]
    for thread in threads:
        thread.start()
    main.say("main does its own setup; the workers wait")
    with main.blocked("event"):
        how = wait_for_trigger(probe, params, presses)
    if how is None:
        event.set()  # Stop: wake the waiters so they see it and leave
    else:
        if how == SET_BY_FALLBACK:
            main.say(f"nobody pressed Set event in {BUTTON_WAIT_S:.0f} s: main sets it anyway")
        main.say("Main thread is setting the event.")
        setting.update(set_at=probe.now(), by=how)
        event.set()  # every thread waiting in event.wait() wakes up
        setting["set"] = True
    with main.blocked("join"):
        for thread in threads:
            thread.join()
    main.say("Main thread finished.")
    main.finish()
    result = summarise(params, setting, board)
    result["stopped"] = stop.is_set()
    return {**result, "verdict": verdict(result)}


def summarise(params: dict[str, Any], setting: dict[str, Any],
              board: list[dict[str, Any]]) -> dict[str, Any]:
    set_at = setting.get("set_at")
    waiters = [
        {"worker": entry.get("worker", f"Worker-{i + 1}"), "state": entry.get("state"),
         "released_at": rounded(entry.get("released_at")),
         "gave_up_at": rounded(entry.get("gave_up_at")), "steps": entry.get("steps", 0)}
        for i, entry in enumerate(board)
    ]
    released = [w["released_at"] for w in waiters if w["released_at"] is not None]
    return {
        "workers": params["workers"],
        "trigger": params["trigger"],
        "timeout_s": params["timeout_s"],
        "event_set": setting["set"],
        "set_by": setting.get("by"),
        "event_set_at": rounded(set_at),
        "released": len(released),
        "gave_up": sum(1 for w in waiters if w["gave_up_at"] is not None),
        "released_early": sum(1 for t in released if set_at is None or t < set_at),
        "release_lag_ms": round(1000 * (max(released) - set_at), 2)
        if released and set_at is not None else None,
        "waiters": waiters,
    }


# Verdicts: released (every worker went on only once the event was set), gave-up (one or
# more workers timed out first), early (a worker went on before main set the event: the
# Event failed its one job, which would be a bug), stopped.
RELEASED = "released"
GAVE_UP = "gave-up"
EARLY = "early"


def verdict(result: dict[str, Any]) -> str:
    if result.get("stopped"):
        return STOPPED
    if result["released_early"]:
        return EARLY
    return GAVE_UP if result["gave_up"] else RELEASED


def takeaway(result: dict[str, Any]) -> str:
    n, released, gave_up = result["workers"], result["released"], result["gave_up"]
    verdict_ = verdict(result)
    if verdict_ == STOPPED:
        return (f"Stopped: {released} of {n} workers had been released and {gave_up} had "
                "given up when the run ended.")
    when = f"{result['event_set_at']:.2f} s" if result["event_set_at"] is not None else "never"
    if verdict_ == EARLY:
        return (f"{result['released_early']} of {n} workers went on before main set the "
                f"event at {when}: event.wait() should never return True before set().")
    by = {SET_BY_BUTTON: "on the button", SET_BY_DELAY: "after the delay"}.get(
        result["set_by"], "after nobody pressed the button")
    if gave_up == n:
        return (f"Every worker gave up after {result['timeout_s']:g} s: event.wait(timeout) "
                f"returned False before main set the event ({when}).")
    if gave_up:
        return (f"{gave_up} of {n} workers gave up before the event was set at {when}; "
                f"the other {released} waited and went on together.")
    who = "The worker" if n == 1 else f"All {n} workers"
    return (f"{who} slept in event.wait() until main set the event at {when} ({by}), "
            f"then went on within {result['release_lag_ms']:.1f} ms; none went before.")


LESSON = Lesson(
    id="event",
    title="threading.Event",
    chapter=EVENTS,
    blurb="Workers wait on an Event until main sets it: press Set event to release them.",
    params=(WORKERS, TRIGGER, DELAY_S, TIMEOUT, COUNT, INTERVAL),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(worker, wait_for_trigger, run),
)
