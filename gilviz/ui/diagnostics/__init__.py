"""Tools that check the window rather than teach: the self-test and the benchmark."""
