"""Shared vocabulary for lesson verdicts: the words, the noise margins, the phrasing.

A lesson whose conclusion rests on a measurement puts one word into its result
("verdict") and chooses its sentence by that word, so the sentence can never claim more
than the number shows. The speed lessons (gil-cpu, gil-io, gil-release,
process-vs-thread, fetch) share these words:

- parallel: the work was done clearly faster together (ratio >= GAIN_MIN) and nothing
  known about the interpreter or the machine contradicts it; for waiting work it means
  the waits overlapped;
- no-gain: within the noise band around 1x;
- slower: clearly slower (ratio < LOSS_MAX);
- inconclusive: the number cannot be trusted: other programs were busy, repeats
  disagreed, or the number claims what this interpreter or machine cannot do (pure-Python
  threads in parallel under a GIL, parallel work on one core or one thread);
- stopped: the run was cut short, so the measurement is incomplete.

Other lessons document their own small sets beside their takeaway.
"""

from __future__ import annotations

PARALLEL = "parallel"
NO_GAIN = "no-gain"
SLOWER = "slower"
INCONCLUSIVE = "inconclusive"
STOPPED = "stopped"
SPEED_VERDICTS = (PARALLEL, NO_GAIN, SLOWER, INCONCLUSIVE, STOPPED)

# A single run on a laptop moves by 10-20% from one try to the next (measured: 6 of 44
# gil-cpu runs on a busy 2-core machine crossed 1.3x with a GIL), so the band is wide.
GAIN_MIN = 1.3
LOSS_MAX = 0.8
# Other programs' CPU use, in percent of one core, above which timings are not trusted.
BUSY_PCT = 50.0
# A measurement whose slower side took less than this is mostly start-up and timer
# noise (starting a thread alone costs ~0.1 ms, a busy scheduler adds milliseconds).
SHORTEST_TIMING_S = 0.1
# A CPU-bound phase that used fewer cores than this did not run in parallel, whatever
# its wall-clock ratio says.
PARALLEL_CORES_MIN = 1.2


def speed_class(ratio: float) -> str:
    """parallel, no-gain or slower for a speed ratio (>1: the second way was faster)."""
    if ratio >= GAIN_MIN:
        return PARALLEL
    if ratio < LOSS_MAX:
        return SLOWER
    return NO_GAIN


def is_busy(others_pct: float | None) -> bool:
    return others_pct is not None and others_pct > BUSY_PCT


def repeats_disagree(ratios: list[float]) -> bool:
    """Repeats that land in different classes (one parallel, one no gain) prove nothing."""
    return len({speed_class(r) for r in ratios}) > 1


def ratio_text(ratio: float) -> str:
    """The ratio as shown everywhere: two decimals and an x."""
    return f"{ratio:.2f}x"


def faster_or_slower(ratio: float) -> str:
    """'1.70x faster', '1.67x slower' or 'just as fast': never 'faster' below 1."""
    shown = round(ratio, 2)
    if shown > 1:
        return f"{shown:.2f}x faster"
    if shown < 1 and ratio > 0:
        return f"{1 / ratio:.2f}x slower"
    return "just as fast"


def too_short(seconds: float | None) -> bool:
    return seconds is not None and seconds < SHORTEST_TIMING_S


def too_short_reason(seconds: float, remedy: str = "give it more work") -> str:
    return f"the slower side took only {seconds:.3f} s, too short to time reliably; {remedy}"


def busy_reason(others_pct: float) -> str:
    return (f"other programs used {others_pct:.0f}% CPU during this run (100% is one "
            "core); run again on a quieter machine")


def others_note(others_pct: float | None) -> str:
    """A short clause about the machine, for sentences that quote it."""
    if others_pct is None:
        return "the load of other programs is unknown here"
    return f"other programs used {others_pct:.0f}% CPU meanwhile"
