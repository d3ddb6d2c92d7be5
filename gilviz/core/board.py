"""Per-thread counters in memory shared with another process.

A run in the isolated engine writes its lanes here; the window reads them directly,
without needing the child's GIL. A publisher thread in the child would have to win that
GIL from busy workers first, and measured it came 120-600 ms late with 8-64 CPU-bound
threads, so only slower-moving data (the log, watched values) travels by pipe.

The shared board is one named POSIX shared-memory segment: a child started by any
interpreter (a free-threaded one included) attaches to it by name. The window creates
and unlinks it; the child attaches without registering it with its own resource tracker,
which would otherwise unlink the segment when the child exits.
"""

from __future__ import annotations

import contextlib
import sys
from multiprocessing import resource_tracker, shared_memory
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
INTS_BYTES = 8 * (HEADER_CELLS + MAX_LANES * CELLS)
NAMES_BYTES = MAX_LANES * NAME_BYTES
SIZE = INTS_BYTES + NAMES_BYTES + 8 * MAX_LANES * RING


class _Segment(shared_memory.SharedMemory):
    """A segment whose lanes may outlive it: at exit, a mapping still viewed by a lane
    is left to the OS instead of printing an 'Exception ignored' traceback."""

    def __del__(self) -> None:
        with contextlib.suppress(BufferError):
            self.close()


class Board:
    """A flat int64 array: a small header, then CELLS numbers per lane; plus lane names."""

    def __init__(self, buffer: Any, segment: shared_memory.SharedMemory | None = None,
                 owner: bool = False) -> None:
        self._segment = segment
        self._owner = owner
        whole = memoryview(buffer).cast("B")
        self._views = [whole]
        self.ints = whole[:INTS_BYTES].cast("q")
        self.names = whole[INTS_BYTES:INTS_BYTES + NAMES_BYTES]
        self.rings = whole[INTS_BYTES + NAMES_BYTES:SIZE].cast("q")
        self._views += [self.ints, self.names, self.rings]

    @classmethod
    def shared(cls) -> Board:
        """A new named segment, owned (and unlinked at close) by this process."""
        segment = _Segment(create=True, size=SIZE)
        return cls(segment.buf, segment, owner=True)

    @classmethod
    def attach(cls, name: str) -> Board:
        """The segment another process created, without taking over its clean-up."""
        return cls.attach_segment(_attach_untracked(name))

    @classmethod
    def attach_segment(cls, segment: shared_memory.SharedMemory) -> Board:
        return cls(segment.buf, segment)

    @classmethod
    def private(cls) -> Board:
        return cls(bytearray(SIZE))

    @property
    def name(self) -> str:
        if self._segment is None:
            raise ValueError("a private board has no name")
        return self._segment.name

    def close(self) -> None:
        """Release the views and the mapping; the owner also removes the segment."""
        if self._segment is None:
            return
        for view in reversed(self._views):
            with contextlib.suppress(BufferError):
                view.release()
        self._views = []
        segment, self._segment = self._segment, None
        # A lane may still hold a view of it; the mapping then goes with the process.
        with contextlib.suppress(BufferError):
            segment.close()
        if self._owner:
            with contextlib.suppress(FileNotFoundError):
                segment.unlink()

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


def _attach_untracked(name: str) -> shared_memory.SharedMemory:
    """Attach by name without registering with this process's resource tracker.

    Python 3.13 has track=False for this; before it, registration is skipped by hand
    (registering would also start a tracker process just to unlink the segment early).
    """
    if sys.version_info >= (3, 13):
        return _Segment(name=name, track=False)
    register = resource_tracker.register
    resource_tracker.register = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        return _Segment(name=name)
    finally:
        resource_tracker.register = register  # type: ignore[assignment]
