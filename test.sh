#!/usr/bin/env bash
# Run the test suite headless. Sets itself up on first run, like ./run.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/setup.sh"
setup_gilviz
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
"$VENV/bin/python" -m ruff check .
exec "$VENV/bin/python" -m pytest "$@"
