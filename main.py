"""Double-click or `python main.py`: opens the gilviz window."""

import sys

from gilviz.app import main

if __name__ == "__main__":
    sys.exit(main())
