#!/usr/bin/env bash
# Launch gilviz. Sets itself up on first run (system libraries, .venv, dependencies).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/setup.sh"
setup_gilviz window
exec "$VENV/bin/python" "$ROOT/main.py" "$@"
