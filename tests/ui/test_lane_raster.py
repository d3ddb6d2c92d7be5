"""The timeline's cached raster equals drawing everything again, refresh after refresh."""

import numpy as np

from gilviz.core.timeline import Kind
from gilviz.ui.lane_raster import (
    LaneRaster,
    as_array,
    coverage,
    covered_seconds,
    halve,
    majority,
    rasterise_all,
)
from gilviz.ui.timeline_view import live_end


def growing_lanes(rng: np.random.Generator, lanes: int, steps: int):
    """Snapshots of spans as a recorder gives them: closed spans only grow (the last one
    may be extended), and a provisional tail may change its kind next time."""
    closed: list[list[tuple[float, float, Kind]]] = [[] for _ in range(lanes)]
    now = 0.0
    for _ in range(steps):
        now += 0.1
        shown = []
        for lane in closed:
            end = lane[-1][1] if lane else 0.0
            while end < now - 0.02:
                step = float(rng.uniform(0.001, 0.03))
                kind = Kind(int(rng.integers(0, 5)))
                if lane and lane[-1][2] is kind:
                    lane[-1] = (lane[-1][0], end + step, kind)  # merged, as _emit does
                else:
                    lane.append((end, end + step, kind))
                end += step
            tail = [(end, now, Kind(int(rng.integers(0, 2))))] if end < now else []
            shown.append(lane + tail)
        yield shown, now


def test_incremental_raster_matches_a_full_redraw_as_the_live_axis_doubles():
    rng = np.random.default_rng(7)
    raster = LaneRaster()
    width = 333  # odd, so halving has a lone last column
    for spans, now in growing_lanes(rng, lanes=9, steps=45):
        arrays = [as_array(lane) for lane in spans]
        end = live_end(now)
        cached = raster.update(arrays, 0.0, end, width).copy()
        fresh = rasterise_all(arrays, 0.0, end, width)
        assert (cached == fresh).all(), now


def test_halving_sums_the_seconds_of_pixel_pairs_exactly():
    spans = [as_array([(0.0, 0.3, Kind.RUNNING), (0.3, 0.95, Kind.WAITING),
                       (0.95, 0.97, Kind.BLOCKED)])]
    fine = coverage(spans, 0.0, 1.0, 10)
    coarse = coverage(spans, 0.0, 2.0, 10)
    assert np.allclose(halve(fine), coarse, atol=1e-9)
    assert majority(halve(fine)).tolist() == rasterise_all(spans, 0.0, 2.0, 10).tolist()


def test_the_union_of_running():
    a = as_array([(0.0, 1.0, Kind.RUNNING), (1.0, 3.0, Kind.WAITING), (3.0, 4.0, Kind.RUNNING)])
    b = as_array([(0.5, 2.0, Kind.RUNNING), (2.0, 2.5, Kind.BLOCKED)])
    assert covered_seconds([a, b], Kind.RUNNING) == 3.0  # 0-2 and 3-4
