#!/usr/bin/env bash
# Build a free-threaded CPython (no GIL) into gilviz's cache, or reuse the one already there.
# Debian/Ubuntu only; a few minutes the first time, about 150 MB. Prints the interpreter's
# path last. Details: gilviz/tools/free_threaded.py, README "With and without the GIL".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Stdlib only: any python3 (3.9+) runs it, the project's venv is not needed.
PY="${GILVIZ_SETUP_PYTHON:-}"
if [ -z "$PY" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY="python3"; fi
fi
if ! command -v "$PY" >/dev/null 2>&1; then
    echo "get-free-threaded: cannot run: no python3 on PATH (install python3 first)" >&2
    exit 2
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
exec "$PY" -m gilviz.tools.free_threaded "$@"
