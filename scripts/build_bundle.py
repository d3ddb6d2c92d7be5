"""Build gilviz as a standalone one-folder bundle with PyInstaller.

    ./scripts/build_bundle.sh                 # sets up .venv first, like ./run.sh
    .venv/bin/python scripts/build_bundle.py  # same, in an environment already set up

The result is dist/gilviz/: copy the whole folder anywhere and start dist/gilviz/gilviz
(gilviz.exe on Windows); no Python needs to be installed there. The isolated engine
and process pools work inside it: their spawned children start this same executable,
and main.py's multiprocessing.freeze_support() sends them to their work.

PyInstaller comes from the `bundle` extra in pyproject.toml and is installed into the
running environment when it is missing. It bundles what *this* environment has, so run
it with the interpreter of the project's .venv.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "gilviz"
# Imported by nothing at run time, but found by PyInstaller's analysis: leaving them out
# keeps the bundle smaller and the build quieter.
EXCLUDES = ("tkinter", "PySide6.QtNetwork", "pyqtgraph.opengl", "matplotlib", "IPython",
            "pytest", "pytestqt")
# A Qt window on X11 needs these (scripts/setup.sh's QT_WINDOW_LIBS); PyInstaller copies
# them into the bundle only when the build machine has them.
XCB_LIBS = ("libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libxcb-icccm.so.4")


def bundle_requirements() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    return list(project["optional-dependencies"]["bundle"])


def ensure_pyinstaller() -> None:
    """Install the `bundle` extra into this environment unless PyInstaller 6+ is there."""
    try:
        major = int(importlib.metadata.version("pyinstaller").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        major = 0
    if major >= 6:
        return
    requirements = bundle_requirements()
    print(f"build_bundle: installing {' '.join(requirements)} into {sys.prefix}", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *requirements],
                   check=True)


def pyinstaller_args(dist: Path, work: Path) -> list[str]:
    windowed = sys.platform in ("win32", "darwin")  # no console window; a .app on macOS
    args = [
        "--noconfirm", "--onedir", "--name", NAME,
        "--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
        # Resources land in the bundle's sys._MEIPASS/resources (gilviz/resources.py).
        "--add-data", f"{ROOT / 'resources'}{os.pathsep}resources",
        # The lessons' source files too: the code view reads them with inspect, which
        # needs the .py beside the frozen module.
        "--add-data", f"{ROOT / 'gilviz' / 'demos'}{os.pathsep}gilviz/demos",
        "--paths", str(ROOT),
        # The engine child is started by name (main.py --gilviz-engine), never imported.
        "--hidden-import", "gilviz.engine.child",
        "--hidden-import", "gilviz.core.kernel_sampler",
        "--log-level", "WARN",
    ]
    if windowed:
        args.append("--windowed")
    for module in EXCLUDES:
        args += ["--exclude-module", module]
    return [*args, str(ROOT / "main.py")]


def executable(dist: Path) -> Path:
    folder = dist / NAME
    if sys.platform == "win32":
        return folder / f"{NAME}.exe"
    return folder / NAME


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller; returns the bundle's executable."""
    if importlib.util.find_spec("PySide6") is None:  # the bundle takes Qt from here
        raise SystemExit("build_bundle: PySide6 is not installed here; run "
                         "scripts/build_bundle.sh, or this script with .venv/bin/python")
    ensure_pyinstaller()
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", *pyinstaller_args(dist, work)],
                   check=True, cwd=ROOT)
    exe = executable(dist)
    if not exe.is_file():
        raise SystemExit(f"build_bundle: PyInstaller finished but {exe} is missing")
    seconds = time.monotonic() - started
    size_mib = folder_size(exe.parent) / 2**20
    print(f"build_bundle: built {exe} in {seconds:.0f} s ({size_mib:.0f} MiB)")
    if sys.platform.startswith("linux"):
        libs = exe.parent / "_internal"
        missing = [lib for lib in XCB_LIBS if not (libs / lib).exists()]
        if missing:
            print(f"build_bundle: note: {', '.join(missing)} not bundled (not installed "
                  "here), so machines running the bundle need Qt's xcb libraries; build "
                  "with scripts/build_bundle.sh to include them", file=sys.stderr)
    return exe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the one-folder gilviz bundle.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the bundle folder goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    args = parser.parse_args(argv)
    build(args.dist.resolve(), args.work.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
