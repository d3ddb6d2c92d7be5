from gilviz.ui import panels
from gilviz.ui.panels.base import LessonPanel
from tests.ui.helpers import choose_lesson, run_and_wait, set_param


class _Recorder(LessonPanel):
    title = "Recorder"
    focus_on_result = True

    def __init__(self):
        super().__init__()
        self.calls = []

    def run_started(self, params):
        self.calls.append(("start", params["count"]))

    def show_snapshot(self, snapshot):
        self.calls.append(("snapshot", len(snapshot.lanes)))

    def show_result(self, result):
        self.calls.append(("result", result.lesson))


def test_a_lesson_panel_gets_start_snapshots_and_result(qtbot, window, monkeypatch):
    monkeypatch.setitem(panels.PANELS, "thread-join", (_Recorder,))
    choose_lesson(window, "thread-join")
    (panel,) = window.page.panels
    assert window.page.tabs.tabText(2) == "Recorder"
    set_param(window, "count", 3)
    set_param(window, "interval_s", 0.05)
    run_and_wait(qtbot, window)
    assert panel.calls[0] == ("start", 3)
    assert ("snapshot", 2) in panel.calls
    assert panel.calls[-1] == ("result", "thread-join")
    assert window.page.tabs.currentWidget() is panel
    choose_lesson(window, "thread-start")
    assert window.page.panels == [] and window.page.tabs.count() == 2
