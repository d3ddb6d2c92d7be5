import pytest

from tests.demos.helpers import run_lesson


@pytest.mark.parametrize("threads", [2, 8, 32])
def test_waiting_threads_overlap_nearly_linearly(threads):
    outcome, _ = run_lesson("gil-io", threads=threads, tasks=32, wait_s=0.05)
    result = outcome.result
    assert result["sequential_s"] >= 32 * 0.05
    assert result["speedup"] >= 0.8 * threads, result
