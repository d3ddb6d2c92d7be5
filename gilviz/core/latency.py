"""Event-loop lateness statistics over a sliding time window (pure Python, no Qt)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LatencyStats:
    p50_ms: float
    p99_ms: float
    max_ms: float
    samples: int


class LatencyWindow:
    """Keeps the lateness samples of the last `span_s` seconds."""

    def __init__(self, span_s: float = 5.0) -> None:
        self.span_s = span_s
        self._samples: deque[tuple[float, float]] = deque()

    def add(self, at_s: float, lateness_ms: float) -> None:
        self._samples.append((at_s, lateness_ms))
        horizon = at_s - self.span_s
        while self._samples and self._samples[0][0] < horizon:
            self._samples.popleft()

    def stats(self) -> LatencyStats:
        values = [lateness for _, lateness in self._samples]
        return LatencyStats(percentile(values, 50), percentile(values, 99),
                            max(values, default=0.0), len(values))
