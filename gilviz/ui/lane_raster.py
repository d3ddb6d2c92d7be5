"""The timeline's pixels and totals, computed with numpy and kept between refreshes.

A live timeline is redrawn ten times a second while its spans keep growing. Redrawing
every lane from its first span costs tens of milliseconds of the UI thread for 64 busy
threads; here only what can have changed is redone: for each lane, the pixels from the
start of its last span on (earlier spans are final). While a run goes on the time axis
grows by doubling, so the pixels already drawn are merged two by two rather than drawn
again.
"""

from __future__ import annotations

import numpy as np

from gilviz.core.timeline import Kind

EMPTY = 255
# Painted first to last, so a bucket holding several kinds shows the last one.
PAINT_ORDER = (Kind.DONE, Kind.IDLE, Kind.BLOCKED, Kind.WAITING, Kind.RUNNING)
RANK = np.zeros(256, dtype=np.uint8)  # kind -> how telling it is (EMPTY lowest)
for _rank, _kind in enumerate(PAINT_ORDER, start=1):
    RANK[int(_kind)] = _rank
UNRANK = np.array([EMPTY, *(int(kind) for kind in PAINT_ORDER)], dtype=np.uint8)


def as_array(spans: list[tuple[float, float, Kind]]) -> np.ndarray:
    return np.asarray([(start, end, int(kind)) for start, end, kind in spans],
                      dtype=float).reshape(-1, 3)


def rasterise_all(arrays: list[np.ndarray], t0: float, t1: float, width: int) -> np.ndarray:
    """One uint8 kind per pixel column over [t0, t1) for every lane, (lanes, width);
    EMPTY where nothing was recorded. A few numpy calls, whatever the number of lanes."""
    lanes = len(arrays)
    rows = np.full((lanes, max(0, width)), EMPTY, dtype=np.uint8)
    counts = [len(array) for array in arrays]
    if not lanes or width <= 0 or t1 <= t0 or not any(counts):
        return rows
    data = np.concatenate([array.reshape(-1, 3) for array in arrays])
    lane = np.repeat(np.arange(lanes), counts)
    visible = (data[:, 1] >= t0) & (data[:, 0] <= t1)
    data, lane = data[visible], lane[visible]
    scale = width / (t1 - t0)
    first = np.clip(np.floor((data[:, 0] - t0) * scale), 0, width).astype(np.int64)
    last = np.clip(np.ceil((data[:, 1] - t0) * scale), 0, width).astype(np.int64)
    last = np.maximum(last, np.minimum(first + 1, width))  # a short span still shows
    stride = width + 1
    size = lanes * stride
    for kind in PAINT_ORDER:
        chosen = data[:, 2] == int(kind)
        if not chosen.any():
            continue
        base = lane[chosen] * stride
        cover = (np.bincount(base + first[chosen], minlength=size)
                 - np.bincount(base + last[chosen], minlength=size))
        covered = np.cumsum(cover.reshape(lanes, stride), axis=1)[:, :width] > 0
        rows[covered] = int(kind)
    return rows


def halve(rows: np.ndarray) -> np.ndarray:
    """The same lanes over twice the time in the same width: pixel pairs merged, the
    more telling kind kept (exactly what drawing them at half the scale gives)."""
    lanes, width = rows.shape
    ranks = RANK[rows]
    if width % 2:
        ranks = np.concatenate([ranks, np.zeros((lanes, 1), dtype=np.uint8)], axis=1)
    pooled = UNRANK[ranks.reshape(lanes, -1, 2).max(axis=2)]
    out = np.full((lanes, width), EMPTY, dtype=np.uint8)
    out[:, :pooled.shape[1]] = pooled[:, :width]
    return out


class LaneRaster:
    """The (lanes, width) kinds of the timeline, redone only where they can change."""

    def __init__(self) -> None:
        self.rows = np.zeros((0, 0), dtype=np.uint8)
        self.key: tuple[float, float, int] | None = None
        self._final_until = np.zeros(0)  # per lane: pixels before this time are final

    def update(self, arrays: list[np.ndarray], t0: float, t1: float, width: int) -> np.ndarray:
        key = (t0, t1, width)
        lanes = len(arrays)
        old = self.key
        if old is not None and old != key and old[0] == t0 == 0.0 and old[2] == width \
                and np.isclose(t1, 2 * old[1]) and self.rows.shape[0] <= lanes:
            self.rows = halve(self.rows)  # the live axis doubled: merge, do not redraw
            self.key = old = key
        if old != key or self.rows.shape[0] > lanes or width <= 0:
            self.rows = rasterise_all(arrays, t0, t1, width)
        else:
            self._redo_tails(arrays, t0, t1, width)
        self.key = key
        self._final_until = np.array([array[-1, 0] if len(array) else 0.0
                                      for array in arrays])
        return self.rows

    def _redo_tails(self, arrays: list[np.ndarray], t0: float, t1: float, width: int) -> None:
        lanes = len(arrays)
        known = self.rows.shape[0]
        if lanes > known:  # new lanes start empty
            self.rows = np.vstack([self.rows,
                                   np.full((lanes - known, width), EMPTY, dtype=np.uint8)])
        scale = width / (t1 - t0)
        final = np.zeros(lanes)
        final[:min(known, len(self._final_until))] = self._final_until[:lanes]
        first_pixel = np.clip(np.floor((final - t0) * scale), 0, width).astype(np.int64)
        first_pixel[known:] = 0
        from_time = t0 + first_pixel / scale
        tails = [array[np.searchsorted(array[:, 1], from_time[i], side="left"):]
                 if len(array) else array for i, array in enumerate(arrays)]
        fresh = rasterise_all(tails, t0, t1, width)
        redo = np.arange(width)[None, :] >= first_pixel[:, None]
        self.rows[redo] = fresh[redo]


def lane_totals(arrays: list[np.ndarray]) -> list[tuple[dict[Kind, float], int]]:
    """Per lane: seconds spent in each kind, and how many times it got going again
    after waiting (a running span right after a waiting one)."""
    totals = []
    for array in arrays:
        kinds = array[:, 2].astype(np.int64) if len(array) else np.zeros(0, dtype=np.int64)
        seconds = np.bincount(kinds, weights=array[:, 1] - array[:, 0],
                              minlength=len(Kind)) if len(array) else np.zeros(len(Kind))
        switches = int(np.count_nonzero((kinds[1:] == int(Kind.RUNNING))
                                        & (kinds[:-1] == int(Kind.WAITING))))
        totals.append(({kind: float(seconds[int(kind)]) for kind in Kind}, switches))
    return totals


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
