"""Closing the window in the middle of any lesson's run, in either placement: the run
stops and the window is gone within 2 s, with no thread or process left (the suite's
leftover guard checks the latter after each test)."""

from __future__ import annotations

import time

import pytest

from gilviz.app import build_window
from gilviz.core.placement import IN_PROCESS, ISOLATED
from gilviz.demos import REGISTRY
from tests.faults.long import long

CLOSE_S = 2.0
RUNNING_S = 0.7  # how far into the run the window is closed


# A lesson whose code may ignore Stop (a student's script) runs only in the engine.
CASES = [(lesson.id, placement) for lesson in REGISTRY for placement in (IN_PROCESS, ISOLATED)
         if lesson.cooperative or placement == ISOLATED]


@pytest.mark.parametrize(("lesson_id", "placement"), CASES)
def test_closing_mid_run_ends_everything_within_2_s(qtbot, lesson_id, placement):
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    window.navigator.select(lesson_id)
    window.page.form.set_values(long(lesson_id))
    window.page.in_gui_process.setChecked(placement == IN_PROCESS)
    window.page.run()
    controller = window.page.controller
    assert controller.is_running() and controller.session.placement == placement
    if placement == ISOLATED:  # past the engine's start-up, into the lesson itself
        qtbot.waitUntil(lambda: bool(controller.session.run.snapshot().lanes),
                        timeout=30_000)
    qtbot.wait(int(RUNNING_S * 1000))
    assert controller.is_running(), "the run ended before the window was closed"
    pressed = time.perf_counter()
    window.close()
    took = time.perf_counter() - pressed
    assert not controller.is_running()
    assert took < CLOSE_S, f"closing took {took:.2f} s"
