"""The fetch lesson in the window, both sources; the local site only, never the internet."""

import socket
import time
from urllib.parse import urlsplit

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox

from gilviz.demos.fetch import UNRESOLVED
from gilviz.demos.local_site import LocalSite
from gilviz.ui.panels.fetch_view import FetchPanel, FetchTable
from gilviz.ui.theme import BAD
from tests.ui.helpers import choose_lesson, click, find, run_and_wait, set_param


def panels(window) -> tuple[FetchPanel, FetchTable]:
    gantt, table = window.page.panels
    assert isinstance(gantt, FetchPanel) and isinstance(table, FetchTable)
    return gantt, table


def port_is_closed(server: str) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", urlsplit(server).port)) != 0


def test_local_mode_draws_totals_gantt_and_a_row_per_url(qtbot, window):
    choose_lesson(window, "fetch")
    form = window.page.form
    assert not form.widget("urls").isVisibleTo(window) and "urls" not in form.values()
    set_param(window, "latency_s", 0.05)
    set_param(window, "errors", "some")
    set_param(window, "timeout_s", 0.3)
    result = run_and_wait(qtbot, window)
    assert result.error is None and not result.stopped
    gantt, table = panels(window)
    assert window.page.tabs.currentWidget() is gantt
    totals = gantt.totals.text()
    for strategy in ("sequential", "threads", "pool"):
        assert f"{result.result['strategies'][strategy]:.2f} s" in totals
    assert totals.count("x</b> faster") == 2
    rows = gantt.gantt.rows
    assert rows[0] == "sequential" and rows[1:11] == [f"Thread-{i}" for i in range(1, 11)]
    assert 1 <= len([r for r in rows if r.startswith("pool-worker_")]) <= 4
    bars = gantt.gantt.bars
    assert len(bars) == 3 * 10  # the mistyped URL is never requested
    assert sum(1 for bar in bars if QColor(bar.colour) == QColor(BAD)) == 3 * 3
    assert {bar.label for bar in bars} >= {"github.com", "server-error", "too-slow"}
    text = table.rows_text()
    assert len(text) == 11
    assert text[0][:3] == ["stackoverflow.com", "200", "65,536"]
    assert [row[table.ERROR] for row in text[7:10]] == [
        "HTTP 500", "timeout after 0.3 s", "connection refused"]
    assert text[10][table.ERROR].startswith("invalid URL, skipped")
    assert table.table.item(7, table.ERROR).foreground().color() == QColor(BAD)
    assert table.table.item(0, table.ERROR).text() == ""
    assert port_is_closed(result.result["server"])


def test_web_mode_marks_a_bad_line_and_reports_each_url(qtbot, window):
    choose_lesson(window, "fetch")
    set_param(window, "source", "web")
    form = window.page.form
    editor = form.widget("urls")
    assert editor.isVisibleTo(window) and not form.widget("latency_s").isVisibleTo(window)
    with LocalSite(0.01, 2) as site:
        set_param(window, "urls", "\n".join([
            site.url("python.org"), "https://nowhere.invalid", "ftp://python.org", ""]))
        assert editor.bad_lines() == [(3, "only http:// and https:// URLs are fetched "
                                          "(got ftp:)")]
        assert editor.problems.isVisibleTo(window) and "line 3" in editor.problems.text()
        assert len(editor.editor.extraSelections()) == 1
        set_param(window, "timeout_s", 2.0)
        result = run_and_wait(qtbot, window)
    assert result.error is None
    _, table = panels(window)
    text = table.rows_text()
    assert [row[table.ERROR] for row in text[:2]] == ["", UNRESOLVED]
    assert text[0][table.STATUS] == "200" and text[1][table.STATUS] == "—"
    assert text[2][table.ERROR].startswith("invalid URL, skipped: only http://")
    set_param(window, "urls", "https://a.invalid\nhttps://b.invalid")
    assert not editor.problems.isVisibleTo(window) and editor.editor.extraSelections() == []


def test_web_mode_offline_gives_a_plain_message_per_url(qtbot, window):
    choose_lesson(window, "fetch")
    set_param(window, "source", "web")
    set_param(window, "urls", "https://stackoverflow.invalid\nhttps://github.invalid")
    result = run_and_wait(qtbot, window)
    _, table = panels(window)
    assert [row[table.ERROR] for row in table.rows_text()] == [UNRESOLVED] * 2
    assert "offline" in window.page.result_view.toPlainText()
    gantt, _ = panels(window)
    assert gantt.totals.text().count("no URL answered") == 3 and "faster" not in gantt.totals.text()
    assert result.result["fetched"] == 0


def test_requests_appear_live_then_stop_ends_the_run_quickly(qtbot, window):
    choose_lesson(window, "fetch")
    set_param(window, "latency_s", 2.0)
    set_param(window, "timeout_s", 1.0)
    click(qtbot, window, "runButton")
    gantt, _ = panels(window)
    qtbot.waitUntil(lambda: len(gantt.gantt.bars) >= 1, timeout=5000)
    assert QColor(gantt.gantt.bars[-1].colour).alpha() < 255  # still waiting
    assert "running" in gantt.totals.text()
    with qtbot.waitSignal(window.page.controller.runFinished, timeout=5000) as blocker:
        pressed = time.perf_counter()
        click(qtbot, window, "stopButton")
    assert time.perf_counter() - pressed < 0.25 + 1.0 + 0.5
    result = blocker.args[0]
    assert result.stopped and port_is_closed(result.result["server"])
    assert "Stopped" in window.page.result_view.toPlainText()


def test_isolated_engine_feeds_the_same_panels(qtbot, window):
    choose_lesson(window, "fetch")
    find(window, QCheckBox, "inGuiProcess").setChecked(False)
    set_param(window, "latency_s", 0.05)
    result = run_and_wait(qtbot, window)
    assert result.error is None
    gantt, table = panels(window)
    assert len(gantt.gantt.bars) == 21 and len(table.rows_text()) == 7
    assert window.page.history[-1]["placement"] == "isolated"


def test_closing_the_window_mid_fetch_closes_the_site(qtbot, window):
    choose_lesson(window, "fetch")
    set_param(window, "latency_s", 2.0)
    set_param(window, "timeout_s", 1.0)
    click(qtbot, window, "runButton")
    gantt, _ = panels(window)
    qtbot.waitUntil(lambda: len(gantt.gantt.bars) >= 1, timeout=5000)
    server = window.page.controller.session.run.snapshot().values["fetch"]["rows"][0]["url"]
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 3.0
    assert port_is_closed(server)
    # the autouse fixture then checks that no thread (site, handlers, fetchers) is left
