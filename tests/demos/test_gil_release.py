import os

import pytest

from tests.demos.helpers import run_lesson


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_hashing_big_buffers_scales_with_cores():
    outcome, _ = run_lesson("gil-release", threads=2, tasks=128, buffer_mib=4)
    assert outcome.result["speedup"] >= 1.6, outcome.result
    assert outcome.result["cores"] >= 2
