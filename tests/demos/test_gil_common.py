from gilviz.demos.gil_common import shares, thread_counts


def test_shares_add_up_and_differ_by_at_most_one():
    for total in (1, 7, 100, 32):
        for parts in (1, 3, 8, 64):
            split = shares(total, parts)
            assert sum(split) == total and len(split) == parts
            assert max(split) - min(split) <= 1


def test_sweep_thread_counts_double_up_to_the_limit():
    assert thread_counts(1) == [1]
    assert thread_counts(8) == [1, 2, 4, 8]
    assert thread_counts(6) == [1, 2, 4, 6]
    assert thread_counts(64)[-1] == 64
