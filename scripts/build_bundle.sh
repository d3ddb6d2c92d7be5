#!/usr/bin/env bash
# Build the standalone one-folder bundle in dist/gilviz/ (see scripts/build_bundle.py).
# Sets up .venv like ./run.sh, including the libraries a Qt window needs on X11, so
# PyInstaller copies them into the bundle and the target machine needs none of them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_gilviz window
cd "$ROOT"
exec "$VENV/bin/python" "$ROOT/scripts/build_bundle.py" "$@"
