#!/usr/bin/env bash
# Shared set-up for ./run.sh and ./test.sh: system libraries Qt needs, a virtual
# environment in .venv and the project's dependencies. Idempotent: a second run only
# checks stamps and returns in about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

# Libraries the Qt wheels link against. The offscreen set is enough for tests; a real
# window on X11 needs the xcb set too.
QT_OFFSCREEN_LIBS=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0)
QT_WINDOW_LIBS=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
                libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1
                libx11-xcb1 fonts-dejavu-core)

log() { printf '[gilviz setup] %s\n' "$*" >&2; }

apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null || { log "not a Debian system; please install: ${missing[*]}"; return 0; }
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { log "run as root or install: ${missing[*]}"; return 1; }
        sudo="sudo"
    fi
    log "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
    local candidate
    for candidate in python3.11 python3 python; do
        if command -v "$candidate" >/dev/null \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    log "Python 3.11 or newer is required"; return 1
}

# setup_gilviz [window]  - with "window", also the libraries a real X11 window needs.
setup_gilviz() {
    local libs=("${QT_OFFSCREEN_LIBS[@]}")
    [ "${1:-}" = "window" ] && libs+=("${QT_WINDOW_LIBS[@]}")
    command -v dpkg-query >/dev/null && apt_install "${libs[@]}"

    if [ ! -x "$VENV/bin/python" ]; then
        local py; py="$(pick_python)"
        if ! "$py" -c 'import ensurepip' 2>/dev/null; then
            apt_install "python3-venv" "$(basename "$py")-venv" 2>/dev/null || apt_install python3-venv
        fi
        log "creating virtual environment in .venv"
        "$py" -m venv "$VENV"
    fi

    # Reinstall only when pyproject.toml changed since the last successful install.
    local stamp="$VENV/.gilviz-installed" want
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "installing dependencies (first run takes a minute; log in .venv/pip.log)"
        if ! { "$VENV/bin/python" -m pip install --upgrade pip \
               && "$VENV/bin/python" -m pip install -e "$ROOT[dev]"; } >"$VENV/pip.log" 2>&1; then
            tail -n 30 "$VENV/pip.log" >&2
            log "installing dependencies failed (full log: .venv/pip.log)"
            return 1
        fi
        echo "$want" > "$stamp"
    fi
}
