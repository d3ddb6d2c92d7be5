"""Children end with their parent: a parent killed outright, or gone before the child
had arranged anything."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import psutil

# The parent: starts a child that calls die_with_parent(<parent pid>) after `delay` s,
# prints the child's pid, then waits to be killed.
PARENT = textwrap.dedent("""
    import os, subprocess, sys, time
    code = (f"import time; time.sleep({{delay}}); "
            f"from gilviz.core.orphans import die_with_parent; "
            f"die_with_parent({os.getpid()}); print('arranged', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code])
    print(child.pid, flush=True)
    time.sleep(60)
""")


def start_parent(delay: float) -> tuple[subprocess.Popen, int]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT.replace("{delay}", str(delay))],
                              stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    return parent, child_pid


def gone_within(pid: int, seconds: float) -> bool:
    """True once `pid` has ended (a zombie has: reaping it is init's business)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    psutil.Process(pid).kill()
    return False


def test_a_child_dies_with_its_killed_parent():
    parent, child_pid = start_parent(delay=0.0)
    time.sleep(1.5)  # the child has imported gilviz and arranged it by now
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    assert gone_within(child_pid, 1.0)


def test_a_child_whose_parent_died_before_it_arranged_anything_leaves_at_once():
    # The old worker initializer watched os.getppid(), read after the parent had died:
    # it named init, which never goes away, so the orphan ran on.
    parent, child_pid = start_parent(delay=1.0)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    assert gone_within(child_pid, 1.0 + 2.0)
