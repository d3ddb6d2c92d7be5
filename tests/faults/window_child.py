"""A gilviz window in a process of its own, for the fault tests (offscreen):

    python -m tests.faults.window_child LESSON in-process|isolated '{"threads": 4}'

Opens the window as gilviz does (Ctrl+C and SIGTERM handling included), starts the
lesson with those settings, prints "running" once the run has started, and "exit N"
when the event loop ends (the exit status is N too).

Kept light at import, as gilviz's own main modules are: a spawned child (a pool worker)
imports the parent's main module before anything else, so Qt imported here would slow
down every worker's start.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    from gilviz.core.placement import IN_PROCESS
    from gilviz.ui import application

    lesson_id, placement, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    app = application.application()
    window = application.build_window()
    signals = application.CloseOnSignals(app, window)
    window.show()
    window.navigator.select(lesson_id)
    window.page.form.set_values(params)
    window.page.in_gui_process.setChecked(placement == IN_PROCESS)
    window.page.run()
    assert window.page.controller.is_running(), "the run did not start"
    print("running", flush=True)
    code = app.exec()
    signals.uninstall()
    print(f"exit {code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
