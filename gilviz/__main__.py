"""`python -m gilviz`: the window with no arguments, the headless CLI with a command."""

import sys

from gilviz.app import main

if __name__ == "__main__":
    sys.exit(main())
