"""Which increments of a recorded race survived, and the sentence that tells each step.

A recorded race is a list of (thread, "read" | "write", value) in the order they happened;
each write stores the value its thread read, plus one. The final counter is the last
write's value, and that write read the value of the write before its read, and so on back
to zero: that chain holds exactly the increments that survived. Every write off the chain
was overwritten by a thread that had read an older value: a lost update.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

READ = "read"
WRITE = "write"
LONG_STORY = 8  # steps; a longer overwrite is told in one summarising sentence

Trace = Sequence[tuple[str, str, int]]

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def analyse(trace: Trace) -> list[dict[str, Any]]:
    """Each step as plain, JSON-ready data: thread, op, value, and

    - `read_step` (writes): the step at which this thread read the value it built on,
    - `lost` (writes): overwritten later, so this increment did not count,
    - `overwrites` (writes): the steps of the writes this one erased.
    """
    steps: list[dict[str, Any]] = []
    pending: dict[str, tuple[int, int | None]] = {}  # thread -> (its read, latest write then)
    source: dict[int, int | None] = {}  # write -> the write whose value it built on
    latest: int | None = None
    for index, (thread, op, value) in enumerate(trace):
        step: dict[str, Any] = {"step": index, "thread": thread, "op": op, "value": value}
        if op == READ:
            pending[thread] = (index, latest)
        elif op == WRITE:
            read_step, built_on = pending.pop(thread, (index, latest))
            source[index] = built_on
            step.update(read_step=read_step, lost=False, overwrites=[])
            latest = index
        else:
            raise ValueError(f"unknown operation {op!r}")
        steps.append(step)

    survived: set[int] = set()
    walk = latest
    while walk is not None:
        survived.add(walk)
        walk = source[walk]
    for index in source:
        step = steps[index]
        if index not in survived:
            step["lost"] = True
            continue
        step["overwrites"] = [
            j for j in range(step["read_step"] + 1, index)
            if steps[j]["op"] == WRITE and j not in survived
        ]
    return steps


def short(thread: str) -> str:
    """'Thread-2' becomes 'T2', the way one writes it on a board."""
    prefix = "Thread-"
    return "T" + thread[len(prefix):] if thread.startswith(prefix) else thread


def phrase(step: dict[str, Any]) -> str:
    verb = "reads" if step["op"] == READ else "writes"
    return f"{short(step['thread'])} {verb} {step['value']}"


def updates(count: int) -> str:
    word = _WORDS[count] if count < len(_WORDS) else f"{count:,}"
    return f"{word} update{'' if count == 1 else 's'}"


def lost_until(steps: Sequence[dict[str, Any]], index: int) -> int:
    """How many increments had been erased once step `index` was done."""
    return sum(len(step.get("overwrites", ())) for step in steps[: index + 1])


def caption(steps: Sequence[dict[str, Any]], index: int) -> str:
    """One sentence for the lecturer to read out at this step of the replay."""
    step = steps[index]
    if step["op"] == READ:
        return f"{phrase(step)} into its local tmp."
    if step["lost"]:
        eraser = next(s for s in steps[index + 1:] if index in s.get("overwrites", ()))
        return (f"{phrase(step)}, but {short(eraser['thread'])} still holds the "
                f"{eraser['value'] - 1} it read before: this update will be overwritten.")
    erased = step["overwrites"]
    if not erased:
        return f"{phrase(step)}: nobody wrote since it read {step['value'] - 1}, one more counted."
    first = min([step["read_step"], *(steps[j]["read_step"] for j in erased)])
    if index - first < LONG_STORY:
        story = ", ".join(phrase(s) for s in steps[first: index + 1])
        return f"{story}: {updates(len(erased))} lost."
    return (f"{short(step['thread'])} read {step['value'] - 1} back at step "
            f"{step['read_step'] + 1} and now writes {step['value']} over the "
            f"{len(erased)} writes made since: {updates(len(erased))} lost.")
