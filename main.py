"""Double-click or `python main.py`: opens the gilviz window. Also the entry script of the
PyInstaller bundle (scripts/build_bundle.py)."""

import multiprocessing
import sys

# Keep this module's top level light: in the bundle every spawned child (isolated
# engine, pool worker) runs it again as __main__ before freeze_support() diverts it.
# gilviz.app loads no Qt until a window is wanted.
from gilviz.app import main

if __name__ == "__main__":
    # First thing in a frozen bundle: a spawned child starts this same executable and
    # must do its own work, not open a window. From source it does nothing.
    multiprocessing.freeze_support()
    sys.exit(main())
