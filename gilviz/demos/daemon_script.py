"""The script the daemon lesson runs in a fresh interpreter of its own:

    python -m gilviz.demos.daemon_script --daemon      (or --no-daemon)

Main starts one worker thread that prints numbered messages, keeps busy for a while
itself, then reaches the end of the script without join(). A non-daemon worker keeps
the interpreter alive until its last message; a daemon worker is stopped wherever it is
when the interpreter exits. Every line carries the time since the script started.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Sequence

STARTED = time.perf_counter()


def say(who: str, text: str) -> None:
    # One write per line, so two threads' lines never run into each other.
    sys.stdout.write(f"{time.perf_counter() - STARTED:.2f} s  {who}: {text}\n")
    sys.stdout.flush()


def worker(messages: int, interval_s: float) -> None:
    for i in range(1, messages + 1):
        say("worker", f"message {i} of {messages}")
        time.sleep(interval_s)
    say("worker", f"all {messages} messages printed")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A worker thread outlived by main, or not.")
    parser.add_argument("--daemon", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--interval", type=float, default=0.3)
    parser.add_argument("--main-s", type=float, default=1.0)
    args = parser.parse_args(argv)

    thread = threading.Thread(target=worker, args=(args.messages, args.interval),
                              daemon=args.daemon, name="worker")
    thread.start()
    say("main", f"started the worker, daemon={args.daemon}")
    time.sleep(args.main_s)  # main's own work
    say("main", "end of the script")
    # No join(): from here the interpreter exits, after any non-daemon thread has ended.


if __name__ == "__main__":
    from gilviz.core.orphans import die_with_parent_from_env

    die_with_parent_from_env()  # run by gilviz: end with it, should it be killed
    main()
