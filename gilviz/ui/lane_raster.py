"""The timeline's pixels and totals, computed with numpy and kept between refreshes.

A pixel shows the kind that filled most of its time (zoomed out, four threads sharing the
GIL each look mostly like waiting, as they were). The seconds each kind covers in each
pixel are kept, per lane: a live timeline redrawn ten times a second redoes, per lane,
only the pixels from the start of its last span on (earlier spans are final), and while
a run goes on the time axis grows by doubling, so the pixels already summed are merged
two by two (exactly: seconds add up) instead of computed again. Every lane in one go:
lanes are laid end to end on one time line, a few numpy calls whatever their number.
"""

from __future__ import annotations

import numpy as np

from gilviz.core.kinds import Kind

EMPTY = 255
# Ties go to the later kind: the more telling one.
PAINT_ORDER = (Kind.DONE, Kind.IDLE, Kind.BLOCKED, Kind.CPU_WAIT, Kind.WAITING, Kind.RUNNING)
KINDS = len(Kind)
TINY = 1e-12  # weight of a span too short for a pixel: shown where nothing else is


def as_array(spans: list[tuple[float, float, Kind]]) -> np.ndarray:
    return np.asarray([(start, end, int(kind)) for start, end, kind in spans],
                      dtype=float).reshape(-1, 3)


def coverage(arrays: list[np.ndarray], t0: float, t1: float, width: int) -> np.ndarray:
    """(lanes, kinds, width): seconds of each kind in each pixel column of [t0, t1)."""
    lanes = len(arrays)
    cover = np.zeros((lanes, KINDS, max(0, width)))
    counts = [len(array) for array in arrays]
    if not lanes or width <= 0 or t1 <= t0 or not any(counts):
        return cover
    data = np.concatenate([array.reshape(-1, 3) for array in arrays])
    lane = np.repeat(np.arange(lanes), counts)
    visible = (data[:, 1] >= t0) & (data[:, 0] <= t1)
    data, lane = data[visible], lane[visible]
    # Lanes end to end: lane i's time t sits at t + i * stride, past every earlier lane
    # (spans start at 0 or later, and none visible starts after t1).
    stride = t1 + (t1 - t0) + 1.0
    edges = np.linspace(t0, t1, width + 1)[None, :] + (np.arange(lanes) * stride)[:, None]
    flat_edges = edges.ravel()
    scale = width / (t1 - t0)
    for kind in Kind:
        chosen = data[:, 2] == int(kind)
        if not chosen.any():
            continue
        offset = lane[chosen] * stride
        starts = data[chosen, 0] + offset  # in time order within a lane, lanes in order
        durations = data[chosen, 1] - data[chosen, 0]
        before = np.concatenate(([0.0], np.cumsum(durations)))
        last = np.searchsorted(starts, flat_edges, side="right") - 1  # last begun by edge
        safe = np.maximum(last, 0)
        covered = np.where(last >= 0, before[safe] + np.clip(flat_edges - starts[safe], 0.0,
                                                             durations[safe]), 0.0)
        cover[:, int(kind), :] = np.diff(covered.reshape(lanes, width + 1), axis=1)
        # A span shorter than a pixel still shows where nothing else is.
        first = np.clip(np.floor((data[chosen, 0] - t0) * scale), 0, width - 1).astype(np.int64)
        np.add.at(cover[:, int(kind), :], (lane[chosen], first), TINY)
    return cover


def majority(cover: np.ndarray) -> np.ndarray:
    """(lanes, width) kinds: the one that covered most of each pixel; EMPTY for none."""
    lanes, _, width = cover.shape
    order = [int(kind) for kind in reversed(PAINT_ORDER)]  # argmax keeps the first of ties
    ranked = cover[:, order, :]
    rows = np.asarray(order, dtype=np.uint8)[ranked.argmax(axis=1)]
    rows[ranked.max(axis=1) <= 0] = EMPTY
    return rows.reshape(lanes, width)


def rasterise_all(arrays: list[np.ndarray], t0: float, t1: float, width: int) -> np.ndarray:
    """One uint8 kind per pixel column over [t0, t1) for every lane, (lanes, width)."""
    return majority(coverage(arrays, t0, t1, width))


def halve(cover: np.ndarray) -> np.ndarray:
    """The same lanes over twice the time in the same width: pixel pairs summed."""
    lanes, kinds, width = cover.shape
    if width % 2:
        cover = np.concatenate([cover, np.zeros((lanes, kinds, 1))], axis=2)
    pooled = cover.reshape(lanes, kinds, -1, 2).sum(axis=3)
    out = np.zeros((lanes, kinds, width))
    out[:, :, :pooled.shape[2]] = pooled[:, :, :width]
    return out


class LaneRaster:
    """The timeline's pixels, redone only where they can change."""

    def __init__(self) -> None:
        self.cover = np.zeros((0, KINDS, 0))
        self.key: tuple[float, float, int] | None = None
        self._final_until = np.zeros(0)  # per lane: pixels before this time are final
        self._last: list[tuple[int, tuple]] = []  # per lane: span count and last span

    def update(self, arrays: list[np.ndarray], t0: float, t1: float, width: int) -> np.ndarray:
        key = (t0, t1, width)
        lanes = len(arrays)
        old = self.key
        if old is not None and old != key and old[0] == t0 == 0.0 and old[2] == width \
                and np.isclose(t1, 2 * old[1]) and self.cover.shape[0] <= lanes:
            self.cover = halve(self.cover)  # the live axis doubled: merge, do not redo
            old = key
        if old != key or self.cover.shape[0] > lanes or width <= 0:
            self.cover = coverage(arrays, t0, t1, width)
        else:
            self._redo_tails(arrays, t0, t1, width)
        self.key = key
        self._final_until = np.array([array[-1, 0] if len(array) else 0.0
                                      for array in arrays])
        self._last = [(len(array), tuple(array[-1]) if len(array) else ())
                      for array in arrays]
        return majority(self.cover)

    def _redo_tails(self, arrays: list[np.ndarray], t0: float, t1: float, width: int) -> None:
        """Redo, for the lanes whose spans changed, the pixels from their last span on."""
        lanes = len(arrays)
        known = self.cover.shape[0]
        if lanes > known:  # new lanes start empty
            self.cover = np.concatenate([self.cover, np.zeros((lanes - known, KINDS, width))])
        changed = [i for i, array in enumerate(arrays)
                   if i >= len(self._last) or self._last[i] != (
                       len(array), tuple(array[-1]) if len(array) else ())]
        if not changed:
            return
        scale = width / (t1 - t0)
        firsts, tails = [], []
        for i in changed:
            final = self._final_until[i] if i < min(known, len(self._final_until)) else t0
            first = int(np.clip(np.floor((final - t0) * scale), 0, width))
            if i >= known:
                first = 0
            array = arrays[i]
            start = np.searchsorted(array[:, 1], t0 + first / scale, side="left") \
                if len(array) else 0
            firsts.append(first)
            tails.append(array[start:])
        fresh = coverage(tails, t0, t1, width)
        for row, (i, first) in enumerate(zip(changed, firsts, strict=True)):
            self.cover[i, :, first:] = fresh[row, :, first:]


def covered_seconds(arrays: list[np.ndarray], kind: Kind) -> float:
    """How long at least one lane was in `kind` (the union of those spans)."""
    chosen = [array[array[:, 2] == int(kind)] for array in arrays if len(array)]
    spans = np.concatenate(chosen) if chosen else np.zeros((0, 3))
    if not len(spans):
        return 0.0
    spans = spans[np.argsort(spans[:, 0], kind="stable")]
    starts, ends = spans[:, 0], spans[:, 1]
    reach = np.maximum.accumulate(ends)
    before = np.concatenate([[starts[0]], reach[:-1]])
    return float(np.maximum(0.0, ends - np.maximum(starts, before)).sum())
