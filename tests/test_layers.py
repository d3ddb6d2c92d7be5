"""The layers hold: import-linter's contracts (pyproject.toml) pass, and would catch a
forbidden import if one were added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold():
    proc = _lint(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


def test_a_qt_import_in_core_breaks_the_contracts(tmp_path):
    shutil.copytree(ROOT / "gilviz", tmp_path / "gilviz",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    stop = tmp_path / "gilviz" / "core" / "stop.py"
    stop.write_text(stop.read_text() + "\nfrom PySide6 import QtCore  # noqa\n")
    proc = _lint(tmp_path)
    assert proc.returncode != 0
    assert "core is Qt-free and imports no layer above it BROKEN" in proc.stdout
    assert "gilviz.core.stop -> PySide6" in proc.stdout
