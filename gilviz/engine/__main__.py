"""`python -m gilviz.engine`: run the lesson the parent sends on stdin."""

import sys

from gilviz.engine.child import main

if __name__ == "__main__":
    sys.exit(main())
