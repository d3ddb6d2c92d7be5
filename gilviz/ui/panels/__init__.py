"""Lesson-specific views (charts, replays, buttons) shown as extra tabs on a lesson's page.

A panel is told when a run starts, gets every polled snapshot, and the final result.
PANELS maps a lesson id to the panel classes its page shows, in tab order.
"""

from __future__ import annotations

from gilviz.ui.panels.base import LessonPanel
from gilviz.ui.panels.daemon_output import DaemonPanel
from gilviz.ui.panels.event_button import EventPanel
from gilviz.ui.panels.fetch_view import FetchPanel, FetchTable
from gilviz.ui.panels.lock_cost import LockCostPanel
from gilviz.ui.panels.pools_compare import PoolsComparePanel, PoolSpeedupChart
from gilviz.ui.panels.race_counter import CounterPanel
from gilviz.ui.panels.race_histogram import LostHistogramPanel
from gilviz.ui.panels.race_replay import ReplayPanel
from gilviz.ui.panels.speedup_chart import SpeedupChart
from gilviz.ui.panels.switch_chart import SwitchChart
from gilviz.ui.panels.task_gantt import TaskGanttPanel
from gilviz.ui.panels.your_code import CodePanel, ThreadOutputPanel

__all__ = ["PANELS", "LessonPanel", "panels_for"]

PANELS: dict[str, tuple[type[LessonPanel], ...]] = {
    "race": (CounterPanel, ReplayPanel, LostHistogramPanel),
    "daemon": (DaemonPanel,),
    "lock": (CounterPanel, LockCostPanel),
    "thread-pool": (TaskGanttPanel,),
    "process-vs-thread": (PoolsComparePanel, PoolSpeedupChart),
    "event": (EventPanel,),
    "gil-cpu": (SpeedupChart,),
    "gil-io": (SpeedupChart,),
    "gil-release": (SpeedupChart,),
    "switch-interval": (SwitchChart,),
    "fetch": (FetchPanel, FetchTable),
    "your-code": (CodePanel, ThreadOutputPanel),
}


def panels_for(lesson_id: str) -> list[LessonPanel]:
    return [panel_class() for panel_class in PANELS.get(lesson_id, ())]
