import pytest

from gilviz.core.latency import LatencyWindow, percentile


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 99) == 7.0


def test_window_forgets_old_samples():
    window = LatencyWindow(span_s=1.0)
    window.add(0.0, 500.0)
    for i in range(10):
        window.add(1.5 + i * 0.01, 1.0)
    stats = window.stats()
    assert stats.samples == 10
    assert stats.max_ms == pytest.approx(1.0)
    assert stats.p99_ms == pytest.approx(1.0)
