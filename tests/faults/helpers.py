"""Start gilviz in a process of its own, hurt it, and see what it leaves behind.

Every process started here carries a mark in its environment, which its children
inherit: whatever still carries it later was left behind, even after being reparented.
Shared memory is checked through the processes' own maps: the /dev/shm files (POSIX
semaphores, SharedMemory segments) that any of them had mapped must be gone later,
whatever other programs on the machine create meanwhile.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from tests.processes import leftovers, marked_env, processes_with

ROOT = Path(__file__).resolve().parents[2]


class Started:
    """A gilviz process (CLI or window) in a session of its own, output kept in files
    (a pipe would be held open by any child it leaves behind)."""

    def __init__(self, args: list[str], tmp_path: Path, **env: str) -> None:
        self.env, self.mark = marked_env(**env)
        self.out_path = tmp_path / f"out-{self.mark}.txt"
        self.err_path = tmp_path / f"err-{self.mark}.txt"
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        self.shm_seen: set[str] = set()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def out(self) -> str:
        return self.out_path.read_text()

    def err(self) -> str:
        return self.err_path.read_text()

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def engine(self) -> psutil.Process | None:
        """The direct child that is not multiprocessing's resource tracker."""
        try:
            children = psutil.Process(self.pid).children()
        except psutil.NoSuchProcess:
            return None
        for child in children:
            try:
                if "resource_tracker" not in " ".join(child.cmdline()):
                    return child
            except psutil.Error:
                continue
        return None

    def note_shared_memory(self) -> set[str]:
        """Remember every /dev/shm file a marked process has mapped right now."""
        for proc in processes_with(self.mark):
            try:
                self.shm_seen |= {m.path for m in proc.memory_maps(grouped=True)
                                  if m.path.startswith("/dev/shm/")}
            except psutil.Error:
                continue
        return self.shm_seen

    def shm_left(self) -> list[str]:
        return sorted(path for path in self.shm_seen if os.path.exists(path))

    def wait_until(self, condition: Callable[[], Any], timeout_s: float, what: str) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            value = condition()
            if value:
                return value
            assert self.proc.poll() is None, (
                f"gilviz exited ({self.proc.returncode}) before {what}: {self.err()[-2000:]}")
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            self.note_shared_memory()
            time.sleep(0.05)

    def signal_group(self, signum: int) -> None:
        """What a terminal does for Ctrl+C: the signal to every process of its group."""
        os.killpg(self.pid, signum)

    def wait(self, timeout_s: float) -> int:
        return self.proc.wait(timeout_s)

    def leftovers(self, grace_s: float) -> list[str]:
        return leftovers(self.mark, grace_s)

    def clean_up(self) -> None:
        """Whatever the test left: killed, so one failure does not leak into the next."""
        for proc in [*processes_with(self.mark)]:
            try:
                proc.send_signal(signal.SIGKILL)
            except psutil.Error:
                continue
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)


def gone_within(started: Started, seconds: float) -> tuple[float, list[str]]:
    """Seconds until no marked process is left (at most `seconds`), and any left."""
    began = time.monotonic()
    left = started.leftovers(seconds)
    return time.monotonic() - began, left


def run_args(lesson: str, params: dict[str, Any], *extra: str) -> list[str]:
    sets = [arg for name, value in params.items() for arg in ("--set", f"{name}={value}")]
    return ["-m", "gilviz", "run", lesson, *sets, *extra]
