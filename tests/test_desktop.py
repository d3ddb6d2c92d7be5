"""`gilviz --install-desktop` / `--uninstall-desktop` with a temporary XDG_DATA_HOME."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gilviz import desktop
from tests.processes import leftovers, marked_env
from tests.test_resources import png_size

ROOT = Path(__file__).resolve().parents[1]
VENV_SCRIPT = Path(sys.executable).parent / "gilviz"
NO_QT = """
import sys
from gilviz.app import main
code = main(sys.argv[1:])
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
assert not qt, qt
sys.exit(code)
"""


def run_gilviz(action: str, data_home: Path | str, home: Path) -> subprocess.CompletedProcess:
    """Headless, as on a machine without a display; also asserts no Qt was loaded."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(XDG_DATA_HOME=str(data_home), HOME=str(home))
    return subprocess.run([sys.executable, "-c", NO_QT, action], capture_output=True,
                          text=True, env=env, timeout=60, cwd=ROOT)


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_install_writes_a_launcher_that_starts_this_environment(tmp_path):
    data = tmp_path / "data"
    proc = run_gilviz("--install-desktop", data, tmp_path)
    assert proc.returncode == 0, proc.stderr
    entry_path = data / "applications" / "gilviz.desktop"
    assert str(entry_path) in proc.stdout
    entry = read_entry(entry_path)
    assert VENV_SCRIPT.is_file(), "the venv's gui-script (pip install -e .) is missing"
    assert entry["Exec"] == str(VENV_SCRIPT)
    assert entry["TryExec"] == str(VENV_SCRIPT)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "gilviz"
    assert entry["Icon"] == "gilviz"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Education;Development;"
    assert entry["Comment"]
    hicolor = data / "icons" / "hicolor"
    for size in (16, 32, 48, 64, 128, 256):
        assert png_size(hicolor / f"{size}x{size}" / "apps" / "gilviz.png") == (size, size)
    assert (hicolor / "scalable" / "apps" / "gilviz.svg").read_bytes() == (
        ROOT / "resources" / "icon.svg").read_bytes()


def test_the_launcher_command_starts_a_working_gilviz(tmp_path):
    """What the menu runs on a double-click, run here with --self-test, offscreen."""
    data = tmp_path / "data"
    assert run_gilviz("--install-desktop", data, tmp_path).returncode == 0
    command = shlex.split(read_entry(data / "applications" / "gilviz.desktop")["Exec"])
    env, mark = marked_env(QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([*command, "--self-test"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "gilviz self-test: passed" in proc.stdout
    assert leftovers(mark) == []


def test_uninstall_removes_exactly_what_install_added(tmp_path):
    data = tmp_path / "data"
    # Another program's launcher and icon already live there and must survive.
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other.desktop").write_text("[Desktop Entry]\nName=other\n")
    other_icon = data / "icons" / "hicolor" / "48x48" / "apps" / "other.png"
    other_icon.parent.mkdir(parents=True)
    other_icon.write_bytes(b"not ours")
    before = tree(data)

    assert run_gilviz("--install-desktop", data, tmp_path).returncode == 0
    again = run_gilviz("--install-desktop", data, tmp_path)  # refreshing is harmless
    assert again.returncode == 0, again.stderr
    assert tree(data) > before

    proc = run_gilviz("--uninstall-desktop", data, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert str(data / "applications" / "gilviz.desktop") in proc.stdout
    assert tree(data) == before
    assert other_icon.read_bytes() == b"not ours"

    nothing = run_gilviz("--uninstall-desktop", data, tmp_path)
    assert nothing.returncode == 0
    assert "nothing removed" in nothing.stdout
    assert tree(data) == before


def test_without_xdg_data_home_it_uses_local_share(tmp_path):
    proc = run_gilviz("--install-desktop", "relative/is/ignored", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / ".local" / "share" / "applications" / "gilviz.desktop").is_file()
    assert not (ROOT / "relative").exists()
    assert run_gilviz("--uninstall-desktop", "", tmp_path).returncode == 0
    assert tree(tmp_path / ".local" / "share") == set()


def test_a_system_folder_is_refused(tmp_path):
    proc = run_gilviz("--install-desktop", "/usr/share", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "system folder" in proc.stderr
    assert not Path("/usr/share/applications/gilviz.desktop").exists()


@pytest.mark.parametrize(("command", "expected"), [
    (["/opt/gilviz/bin/gilviz"], "/opt/gilviz/bin/gilviz"),
    (["/home/ann/my apps/gilviz"], '"/home/ann/my apps/gilviz"'),
    (["/usr/bin/python3", "-m", "gilviz"], "/usr/bin/python3 -m gilviz"),
    (["/srv/$HOME/100%/gilviz"], r'"/srv/\\$HOME/100%%/gilviz"'),
    ([r"/odd\dir/gilviz"], r'"/odd\\\\dir/gilviz"'),
])
def test_exec_quoting_follows_the_desktop_entry_spec(command, expected):
    assert desktop.exec_value(command) == expected


def test_the_launch_command_fits_how_gilviz_was_installed(tmp_path, monkeypatch):
    assert desktop.launch_command() == [str(VENV_SCRIPT)]
    bare = tmp_path / "bin" / "python3"
    bare.parent.mkdir()
    bare.touch()
    monkeypatch.setattr(sys, "executable", str(bare))
    assert desktop.launch_command() == [str(bare), "-m", "gilviz"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert desktop.launch_command() == [str(bare)]  # a bundle starts its own executable


def test_a_manifest_cannot_point_outside_the_data_folder(tmp_path):
    outside = tmp_path / "keep.txt"
    outside.write_text("precious")
    data = tmp_path / "data"
    (data / "gilviz").mkdir(parents=True)
    (data / "gilviz" / "desktop-install.txt").write_text(
        f"file ../keep.txt\nfile {outside}\ndir ..\n")
    assert desktop.uninstall(data) == ([], [])
    assert outside.read_text() == "precious"
    assert tree(tmp_path) == {"keep.txt", "data", "data/gilviz"}  # only the manifest went


@pytest.mark.timeout(300)
def test_a_wheel_install_finds_its_resources_and_installs_a_launcher(tmp_path):
    """A plain (non-editable) install carries resources/ as data files under sys.prefix;
    the launcher then starts that environment's own `gilviz` script. Needs no Qt."""
    # Built from a copy: setuptools builds in the source tree and would leave build/ there.
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md", "gilviz", "resources"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(wheels), str(source)], check=True, capture_output=True, timeout=240)
    (wheel,) = wheels.glob("gilviz-*.whl")
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--quiet", "--no-deps", str(wheel)], check=True, capture_output=True,
                   timeout=120)
    found = subprocess.run(
        [str(python), "-c", "from gilviz.resources import resources_dir; print(resources_dir())"],
        capture_output=True, text=True, check=True, cwd=tmp_path)
    assert Path(found.stdout.strip()) == env_dir / "share" / "gilviz" / "resources"

    data = tmp_path / "data"
    script = env_dir / "bin" / "gilviz"
    installed = subprocess.run([str(script), "--install-desktop"], capture_output=True,
                               text=True, cwd=tmp_path,
                               env={"PATH": "/usr/bin:/bin", "XDG_DATA_HOME": str(data),
                                    "HOME": str(tmp_path)})
    assert installed.returncode == 0, installed.stderr
    entry = (data / "applications" / "gilviz.desktop").read_text()
    assert f"Exec={script}\n" in entry
    assert png_size(data / "icons" / "hicolor" / "48x48" / "apps" / "gilviz.png") == (48, 48)
