"""`gilviz --install-desktop` / `--uninstall-desktop`: a menu launcher for this user.

Writes a freedesktop .desktop file and the icon (hicolor PNG sizes and the SVG) under
$XDG_DATA_HOME (default ~/.local/share), so the app shows up in the desktop's menu and
can be double-clicked. Its Exec line starts *this* installation: the bundle's
executable, the `gilviz` script of this virtual environment, or `python -m gilviz`.

A manifest records every file written and every folder created, so uninstalling removes
exactly those and nothing another program put beside them. No Qt and no display needed;
nothing outside the user's data folder is touched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gilviz.resources import (
    APP_ID,
    DESKTOP_NAME,
    ICON_SIZES,
    SVG_NAME,
    png_icon_path,
    resources_dir,
)

MANIFEST = Path(APP_ID) / "desktop-install.txt"
MANIFEST_HEADER = "# written by gilviz --install-desktop; read by --uninstall-desktop\n"
SYSTEM_DATA_DIRS = ("/usr/local/share", "/usr/share")
EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class DesktopError(Exception):
    """A launcher that cannot be installed or removed; reported as one line."""


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when unset or not absolute (as the spec says)."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """The command that starts this very installation of gilviz."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: its own executable
        return [sys.executable]
    # Not resolved: a venv's python is a symlink to the base interpreter, and the
    # venv's gui-script sits next to the link.
    script = Path(sys.executable).parent / ("gilviz.exe" if os.name == "nt" else "gilviz")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "gilviz"]


def _escape_string(value: str) -> str:
    """Escapes of the spec's `string` type, which every value goes through last."""
    if "\n" in value or "\r" in value:
        raise DesktopError(f"a path with a line break cannot go into a launcher: {value!r}")
    return value.replace("\\", "\\\\").replace("\t", "\\t")


def exec_value(command: Sequence[str]) -> str:
    """The Exec key for `command`: arguments quoted as the Desktop Entry spec asks."""
    parts = []
    for arg in command:
        arg = arg.replace("%", "%%")  # a lone % would start a field code
        if EXEC_RESERVED & set(arg) or not arg:
            arg = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg) + '"'
        parts.append(arg)
    return _escape_string(" ".join(parts))


def render_desktop_entry(template: str, command: Sequence[str]) -> str:
    """The template with Exec and TryExec pointing at `command`."""
    lines = []
    for line in template.splitlines():
        key = line.split("=", 1)[0].strip()
        if key == "Exec":
            line = f"Exec={exec_value(command)}"
        elif key == "TryExec":  # the menu hides the entry once this file is gone
            line = f"TryExec={_escape_string(command[0])}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Plan:
    """What an install writes: destination (relative to data home) -> source or text."""

    home: Path
    files: dict[Path, Path | str]

    @property
    def desktop_file(self) -> Path:
        return self.home / "applications" / DESKTOP_NAME


def plan(home: Path, command: Sequence[str]) -> Plan:
    resources = resources_dir()
    if resources is None:
        raise DesktopError("gilviz's resources (icon, launcher template) were not found")
    template = (resources / DESKTOP_NAME).read_text(encoding="utf-8")
    files: dict[Path, Path | str] = {
        Path("applications") / DESKTOP_NAME: render_desktop_entry(template, command),
    }
    hicolor = Path("icons") / "hicolor"
    for size in ICON_SIZES:
        source = png_icon_path(resources, size)
        if not source.is_file():
            raise DesktopError(f"icon missing: {source} (run scripts/make_icons.py)")
        files[hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = source
    files[hicolor / "scalable" / "apps" / f"{APP_ID}.svg"] = resources / SVG_NAME
    return Plan(home, files)


def _check_home(home: Path) -> None:
    resolved = home.resolve()
    system = os.environ.get("XDG_DATA_DIRS", "") or ":".join(SYSTEM_DATA_DIRS)
    for folder in {*system.split(":"), *SYSTEM_DATA_DIRS}:
        if folder and resolved == Path(folder).resolve():
            raise DesktopError(f"{home} is a system folder; the launcher is per user only")


def _read_manifest(home: Path) -> tuple[list[Path], list[Path]]:
    """Files and created folders from an earlier install, relative to `home`."""
    path = home / MANIFEST
    if not path.is_file():
        return [], []
    files: list[Path] = []
    folders: list[Path] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, _, name = line.partition(" ")
        relative = Path(name)
        if not name or relative.is_absolute() or ".." in relative.parts:
            continue  # only ever paths inside the data folder
        if kind == "file":
            files.append(relative)
        elif kind == "dir":
            folders.append(relative)
    return files, folders


def _write_manifest(home: Path, files: list[Path], folders: list[Path]) -> None:
    lines = [f"file {p.as_posix()}" for p in files] + [f"dir {p.as_posix()}" for p in folders]
    (home / MANIFEST).write_text(MANIFEST_HEADER + "\n".join(lines) + "\n", encoding="utf-8")


def _make_dirs(home: Path, relative: Path, created: list[Path]) -> None:
    """mkdir -p, noting each folder that did not exist before."""
    missing = []
    for parent in [relative, *relative.parents]:
        if parent == Path("."):
            break
        if not (home / parent).is_dir():
            missing.append(parent)
    for folder in reversed(missing):
        (home / folder).mkdir()
        if folder not in created:
            created.append(folder)


def install(home: Path | None = None, command: Sequence[str] | None = None) -> Plan:
    """Write the launcher and icons; running it again refreshes them (a new Exec, say)."""
    home = data_home() if home is None else home
    _check_home(home)
    todo = plan(home, launch_command() if command is None else command)
    old_files, created = _read_manifest(home)
    if not home.is_dir():
        home.mkdir(parents=True)  # the data home itself stays: it is the user's
    _make_dirs(home, MANIFEST.parent, created)
    written: list[Path] = []
    for relative, source in todo.files.items():
        _make_dirs(home, relative.parent, created)
        target = home / relative
        if isinstance(source, Path):
            target.write_bytes(source.read_bytes())
        else:
            target.write_text(source, encoding="utf-8")
        target.chmod(0o644)
        written.append(relative)
    # Files of an earlier install this one no longer writes are still ours to remove.
    kept = [p for p in old_files if p not in written and (home / p).exists()]
    _write_manifest(home, written + kept, created)
    return todo


def uninstall(home: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Remove what install() recorded: the files, then the folders it created that are
    empty now. Returns both lists (absolute paths) of what was removed."""
    home = data_home() if home is None else home
    files, folders = _read_manifest(home)
    removed_files = []
    for relative in files:
        target = home / relative
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed_files.append(target)
    manifest = home / MANIFEST
    if manifest.is_file():
        manifest.unlink()
    removed_folders = []
    for relative in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        target = home / relative
        try:
            target.rmdir()  # only if empty: another app's icons keep it
        except OSError:
            continue
        removed_folders.append(target)
    return removed_files, removed_folders


def main(args: Sequence[str]) -> int:
    """`--install-desktop` or `--uninstall-desktop`; 0 on success, 1 with one line."""
    action = args[0] if args else ""
    if len(args) != 1 or action not in ("--install-desktop", "--uninstall-desktop"):
        print("gilviz: error: usage: gilviz --install-desktop | --uninstall-desktop",
              file=sys.stderr)
        return 2
    if sys.platform in ("win32", "darwin"):
        print(f"gilviz: error: {action} makes a freedesktop (Linux) launcher; on this "
              "system see the README's 'Launcher' section", file=sys.stderr)
        return 1
    try:
        if action == "--install-desktop":
            done = install()
            print(f"gilviz launcher installed for this user:\n"
                  f"  {done.desktop_file}\n"
                  f"  icons: {done.home / 'icons' / 'hicolor'} "
                  f"({len(done.files) - 1} files)\n"
                  f"  starts: {exec_value(launch_command())}\n"
                  f"Find gilviz in the desktop's application menu; "
                  f"`gilviz --uninstall-desktop` removes it.")
        else:
            home = data_home()
            files, folders = uninstall(home)
            if not files and not folders:
                print(f"gilviz: no launcher installed under {home}; nothing removed")
            else:
                print("gilviz launcher removed:")
                for path in files:
                    print(f"  {path}")
                if folders:
                    print(f"  and {len(folders)} folders it had created, now empty")
    except (DesktopError, OSError) as exc:
        print(f"gilviz: error: {exc}", file=sys.stderr)
        return 1
    return 0
