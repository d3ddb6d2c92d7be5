"""Entry point for `gilviz`, `python -m gilviz` and main.py: CLI commands or the window.

Qt is imported only when the window is wanted, so headless commands start fast and work
on machines without a display.
"""

from __future__ import annotations

import difflib
import multiprocessing
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gilviz.core.engine import FROZEN_ENGINE_FLAG

if TYPE_CHECKING:
    from gilviz.ui.main_window import MainWindow

CLI_COMMANDS = {"list", "run", "compare", "interpreters", "-h", "--help"}
DESKTOP_OPTIONS = {"--install-desktop", "--uninstall-desktop"}


def main(argv: Sequence[str] | None = None) -> int:
    # In a frozen bundle every spawned child (the isolated engine, a process-pool worker,
    # multiprocessing's resource tracker) re-runs this executable with arguments of its
    # own: freeze_support() runs that child's work and exits before anything below.
    # From source it does nothing.
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == [FROZEN_ENGINE_FLAG]:  # a frozen bundle's engine child (core.engine)
        from gilviz.engine.child import main as engine_main

        return engine_main()
    if args[:1] == ["--gilviz-kernel-sampler"]:  # a bundle's sampler (core.kernel_states)
        from gilviz.core.kernel_sampler import main as sampler_main

        return sampler_main(args[1:])
    if args and args[0] in CLI_COMMANDS:
        from gilviz.cli import main as cli_main

        return cli_main(args)
    if args and args[0] == "bench":
        from gilviz.ui.diagnostics.bench import main as bench_main

        return bench_main(args[1:])
    if args and args[0] in DESKTOP_OPTIONS:
        from gilviz.desktop import main as desktop_main

        return desktop_main(args)
    if args and args[0] == "--self-test":
        from gilviz.ui.diagnostics.self_test import main as self_test_main

        return self_test_main(args[1:])
    if args:  # only the bare command opens the window: a typo must not (nor load Qt)
        print(unknown_command(args[0]), file=sys.stderr)
        return 2
    from gilviz.ui.application import run_window

    return run_window(args)


def unknown_command(word: str) -> str:
    """One line naming what was not understood, a near match, and every valid command."""
    valid = ["list", "run", "bench", "--self-test", *sorted(DESKTOP_OPTIONS), "--help"]
    near = difflib.get_close_matches(word, valid, n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return (f"gilviz: error: unknown command {word!r}{hint}; valid: {', '.join(valid)}; "
            "no command opens the window")


def build_window() -> MainWindow:
    """The main window, shown nowhere yet; creates the QApplication if there is none."""
    from gilviz.ui.application import build_window as build

    return build()
