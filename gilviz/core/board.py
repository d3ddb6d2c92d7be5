"""Per-thread counters in memory shared with another process.

A run in the isolated engine writes its lanes here; the window reads them directly,
without needing the child's GIL. A publisher thread in the child would have to win that
GIL from busy workers first, and measured it came 120-600 ms late with 8-64 CPU-bound
threads, so only slower-moving data (the log, watched values) travels by pipe.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from gilviz.core.telemetry import (
    CELLS,
    ENDED_NS,
    NOT_YET,
    RING,
    LaneSnapshot,
    lane_snapshot,
    read_ring,
)

MAX_LANES = 256
NAME_BYTES = 48
HEADER_CELLS = 8
LANE_COUNT, ORIGIN_NS, STOP, POKES = 0, 1, 2, 3


class Board:
    """A flat int64 array: a small header, then CELLS numbers per lane; plus lane names."""

    def __init__(self, ints: Any, names: Any, rings: Any) -> None:
        self._raw = (ints, names, rings)  # keep the shared buffers alive as the views
        self.ints = memoryview(ints).cast("B").cast("q")
        self.names = memoryview(names).cast("B")
        self.rings = memoryview(rings).cast("B").cast("q")

    @classmethod
    def shared(cls) -> Board:
        """Backed by anonymous shared memory that a spawned child inherits when pickled."""
        ctx = multiprocessing.get_context("spawn")
        ints = ctx.RawArray("q", HEADER_CELLS + MAX_LANES * CELLS)
        names = ctx.RawArray("c", MAX_LANES * NAME_BYTES)
        rings = ctx.RawArray("q", MAX_LANES * RING)
        return cls(ints, names, rings)

    @classmethod
    def private(cls) -> Board:
        return cls(bytearray(8 * (HEADER_CELLS + MAX_LANES * CELLS)),
                   bytearray(MAX_LANES * NAME_BYTES), bytearray(8 * MAX_LANES * RING))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Board, self._raw)

    def set_origin(self, origin_ns: int) -> None:
        self.ints[ORIGIN_NS] = origin_ns

    def origin_ns(self) -> int:
        return self.ints[ORIGIN_NS]

    def request_stop(self) -> None:
        self.ints[STOP] = 1  # a plain store: never blocks, whatever state the child is in

    def stop_requested(self) -> bool:
        return self.ints[STOP] != 0

    def poke(self) -> None:
        self.ints[POKES] += 1  # only the window writes this cell

    def pokes(self) -> int:
        return self.ints[POKES]

    def allocate(self, name: str) -> tuple[memoryview, memoryview] | None:
        """Cells and mark ring for a new lane, or None when the board is full.
        One writer at a time."""
        index = self.ints[LANE_COUNT]
        if index >= MAX_LANES:
            return None
        encoded = name.encode("utf-8")[:NAME_BYTES]
        offset = index * NAME_BYTES
        self.names[offset:offset + NAME_BYTES] = encoded.ljust(NAME_BYTES, b"\0")
        base = HEADER_CELLS + index * CELLS
        cells = self.ints[base:base + CELLS]
        cells[ENDED_NS] = NOT_YET
        self.ints[LANE_COUNT] = index + 1  # publish only once the slot is ready
        return cells, self.rings[index * RING:(index + 1) * RING]

    def read_marks(self, index: int, start: int, end: int) -> list[int]:
        return read_ring(self.rings[index * RING:(index + 1) * RING], start, end)

    def read_lanes(self) -> tuple[LaneSnapshot, ...]:
        lanes = []
        for index in range(min(self.ints[LANE_COUNT], MAX_LANES)):
            offset = index * NAME_BYTES
            name = bytes(self.names[offset:offset + NAME_BYTES]).rstrip(b"\0")
            base = HEADER_CELLS + index * CELLS
            cells = self.ints[base:base + CELLS].tolist()
            lanes.append(lane_snapshot(name.decode("utf-8", "replace"), cells))
        return tuple(lanes)
