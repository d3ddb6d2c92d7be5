from gilviz.ui.panels.race_histogram import MAX_BINS, histogram_bins


def test_close_values_get_one_bin_each():
    bins = histogram_bins([3, 5, 5, 4])
    assert bins == [(3.0, 4.0, 1), (4.0, 5.0, 1), (5.0, 6.0, 2)]


def test_one_value_is_one_bar():
    assert histogram_bins([0, 0, 0]) == [(0.0, 1.0, 3)]
    assert histogram_bins([]) == []


def test_spread_values_are_binned_and_all_counted():
    values = [29_990, 30_002, 30_500, 31_000, 29_990]
    bins = histogram_bins(values)
    assert len(bins) <= MAX_BINS + 1
    assert sum(count for *_, count in bins) == len(values)
    assert bins[0][0] <= min(values) and bins[-1][1] > max(values)
    for value in values:
        assert any(left <= value < right for left, right, _ in bins)
