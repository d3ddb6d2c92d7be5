"""The classification of a thread's time from kernel records, with made-up records."""

from gilviz.core.kernel_sampler import SYS_ASLEEP, SYS_RUNNABLE
from gilviz.core.kinds import Kind
from gilviz.core.telemetry import State
from gilviz.core.thread_states import (
    CALLS,
    LaneActivity,
    ThreadLedger,
    call_kind,
    off_cpu,
    state_entry,
)

X86 = CALLS["x86_64"]
FUTEX, NANOSLEEP, READ = 202, 230, 0
MS = 1_000_000


def at_work(t0, t1):
    return State.RUNNING, ""


def test_futex_at_work_is_the_gil_on_a_gil_build_and_a_lock_without_one():
    assert off_cpu(call_kind(FUTEX, X86), State.RUNNING, "", gil=True) == (Kind.WAITING, "GIL")
    assert off_cpu(call_kind(FUTEX, X86), State.RUNNING, "", gil=False) == (
        Kind.WAITING, "lock or other")
    assert off_cpu(call_kind(98, CALLS["aarch64"]), State.RUNNING, "", True)[0] is Kind.WAITING


def test_the_lane_label_wins_and_sleep_or_io_calls_are_blocked():
    assert off_cpu(call_kind(FUTEX, X86), State.BLOCKED, "join", True) == (Kind.BLOCKED, "join")
    assert off_cpu(call_kind(NANOSLEEP, X86), State.RUNNING, "", True) == (Kind.BLOCKED, "sleep")
    assert off_cpu(call_kind(READ, X86), State.RUNNING, "", True) == (Kind.BLOCKED, "I/O")
    assert off_cpu(call_kind(FUTEX, X86), State.BLOCKED, "", True) == (Kind.BLOCKED, "wait")
    assert off_cpu(None, State.WAITING, "", True) == (Kind.IDLE, "")
    assert call_kind(SYS_ASLEEP, X86) is None


def test_lane_activity_reports_blocked_if_blocked_at_any_moment():
    activity = LaneActivity()
    activity.enter(0.0, State.WAITING)
    activity.enter(1.0, State.RUNNING)
    activity.enter(2.0, State.BLOCKED, "sleep")
    activity.enter(2.001, State.RUNNING)
    assert activity.during(-1.0, -0.5) == (None, "")
    assert activity.during(0.1, 0.5) == (State.WAITING, "")
    assert activity.during(1.5, 1.9) == (State.RUNNING, "")
    assert activity.during(1.9, 2.5) == (State.BLOCKED, "sleep")
    assert activity.during(2.0005, 2.5) == (State.BLOCKED, "sleep")
    assert activity.during(2.5, 3.0) == (State.RUNNING, "")


def _ledger(gil=True):
    return ThreadLedger(0.0, 0, 0, gil, X86)


def _totals(ledger):
    ledger.close()
    return ledger.seconds()[0]


def test_taking_turns_for_the_gil():
    ledger = _ledger()
    run = 0
    for k in range(1, 101):  # on a CPU every fourth 2 ms, asleep in futex otherwise
        if k % 4 == 0:
            run += 2 * MS
            ledger.feed(k * 0.002, run, 0, SYS_RUNNABLE, at_work)
        else:
            ledger.feed(k * 0.002, run, 0, FUTEX, at_work)
    totals = _totals(ledger)
    assert abs(totals[Kind.RUNNING] - 0.05) < 1e-9
    assert abs(totals[Kind.WAITING] - 0.15) < 1e-9
    assert abs(sum(totals.values()) - 0.2) < 1e-9


def test_queue_time_counted_late_is_waiting_for_a_core_not_the_gil():
    """The kernel adds queue time when the thread gets its core: two intervals runnable
    with nothing counted, then one with 2 ms run and 4 ms of wait."""
    ledger = _ledger()
    run = wait = 0
    t = 0.0
    for _ in range(20):
        for _ in range(2):
            t += 0.002
            ledger.feed(t, run, wait, SYS_RUNNABLE, at_work)
        t += 0.002
        run += 2 * MS
        wait += 4 * MS
        ledger.feed(t, run, wait, SYS_RUNNABLE, at_work)
    totals = _totals(ledger)
    assert abs(totals[Kind.RUNNING] - 0.040) < 1e-9
    assert abs(totals[Kind.CPU_WAIT] - 0.080) < 1e-9
    assert totals[Kind.WAITING] == 0
    kinds = [kind for _, _, kind in ledger.spans()]
    assert Kind.CPU_WAIT in kinds and Kind.WAITING not in kinds


def test_run_time_counted_at_the_next_tick_is_claimed_back():
    ledger = _ledger()
    ledger.feed(0.002, 0, 0, SYS_RUNNABLE, at_work)  # on a CPU, the tick not yet come
    ledger.feed(0.004, 4 * MS, 0, SYS_RUNNABLE, at_work)
    totals = _totals(ledger)
    assert abs(totals[Kind.RUNNING] - 0.004) < 1e-9
    assert ledger.spans() == [(0.0, 0.004, Kind.RUNNING)]


def test_unclaimed_runnable_time_settles_as_a_gil_wait_when_the_thread_sleeps():
    ledger = _ledger()
    ledger.feed(0.002, 1 * MS, 0, SYS_RUNNABLE, at_work)  # 1 ms not counted yet...
    ledger.feed(0.004, 2 * MS, 0, FUTEX, at_work)  # ...and it never was: asleep in between
    totals = _totals(ledger)
    assert abs(totals[Kind.RUNNING] - 0.002) < 1e-9
    assert abs(totals[Kind.WAITING] - 0.002) < 1e-9


def test_a_declared_sleep_is_blocked_with_its_label():
    activity = LaneActivity()
    activity.enter(0.0, State.RUNNING)
    activity.enter(0.001, State.BLOCKED, "sleep")
    ledger = _ledger()
    for k in range(1, 51):
        ledger.feed(k * 0.002, 100_000, 0, FUTEX, activity.during)
    totals, by_label = ledger.seconds()
    assert abs(totals[Kind.BLOCKED] - 0.0999) < 1e-9
    assert set(by_label) == {"sleep"}
    entry = state_entry("T", 7, totals, by_label, True)
    assert entry["blocked_s"] == round(totals[Kind.BLOCKED], 4)
    assert entry["blocked_by"] == {"sleep": round(by_label["sleep"], 4)}
    assert entry["measured"] is True and entry["tid"] == 7


def test_no_gil_build_reports_other_waits_not_gil_waits():
    ledger = _ledger(gil=False)
    ledger.feed(0.01, 0, 0, FUTEX, at_work)
    totals, blocked = ledger.seconds()
    entry = state_entry("T", 1, totals, blocked, True, gil=False)
    assert entry["waiting_for_gil_s"] == 0 and entry["waiting_other_s"] == 0.01
