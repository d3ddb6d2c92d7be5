from gilviz.demos.interleaving import READ, WRITE, analyse, caption, lost_until, short


def trace(*steps):
    return [(f"Thread-{t}", READ if op == "r" else WRITE, v) for t, op, v in steps]


def test_two_threads_reading_the_same_value_lose_one_update():
    steps = analyse(trace((1, "r", 0), (2, "r", 0), (1, "w", 1), (2, "w", 1)))
    assert [s.get("lost") for s in steps] == [None, None, True, False]
    assert steps[3]["overwrites"] == [2]
    assert caption(steps, 3) == "T1 reads 0, T2 reads 0, T1 writes 1, T2 writes 1: one update lost."
    assert "will be overwritten" in caption(steps, 2)
    assert lost_until(steps, 2) == 0 and lost_until(steps, 3) == 1


def test_lost_writes_add_up_to_the_shortfall_even_when_the_counter_goes_back():
    # T1 reads 0 and sleeps while T2 counts to 2 and reads 2. T1's stale write puts the
    # counter back to 1; T2 then writes 3 from the 2 it read. The final 3 was built on
    # T2's writes of 1 and 2, so of four writes only T1's is lost.
    steps = analyse(trace(
        (1, "r", 0), (2, "r", 0), (2, "w", 1), (2, "r", 1), (2, "w", 2), (2, "r", 2),
        (1, "w", 1), (2, "w", 3),
    ))
    writes = [s for s in steps if s["op"] == WRITE]
    final = writes[-1]["value"]
    assert final == 3
    assert sum(s["lost"] for s in writes) == len(writes) - final == 1
    assert steps[6]["lost"] is True  # T1's stale 1 was written over by T2's 3
    assert steps[7]["overwrites"] == [6]


def test_no_overlap_loses_nothing():
    steps = analyse(trace((1, "r", 0), (1, "w", 1), (2, "r", 1), (2, "w", 2)))
    assert not any(s.get("lost") for s in steps)
    assert "one more counted" in caption(steps, 3)
    assert caption(steps, 0) == "T1 reads 0 into its local tmp."


def test_a_long_overwrite_is_told_in_one_sentence():
    steps = [(1, "r", 0)]
    for value in range(5):
        steps += [(2, "r", value), (2, "w", value + 1)]
    steps.append((1, "w", 1))
    analysed = analyse(trace(*steps))
    text = caption(analysed, len(analysed) - 1)
    assert text.startswith("T1 read 0 back at step 1 and now writes 1 over the 5 writes")
    assert text.endswith("five updates lost.")


def test_short_names():
    assert short("Thread-12") == "T12" and short("main") == "main"
