"""Build a free-threaded CPython (`--disable-gil`) into gilviz's cache, from Debian's source.

No package registry ships a free-threaded interpreter that installs offline, but Debian's own
CPython source package builds one in a few minutes. This is the one set-up command for it:
`scripts/get-free-threaded.sh` (or `python -m gilviz.tools.free_threaded`).

The system's apt sources are never touched: a throw-away apt configuration (its own source
list, lists and cache folders) holds one `deb-src` line for Debian trixie. Only the build
dependencies are installed system-wide (with `--no-upgrade`, so nothing else changes).
The result lands in `<cache>/python-freethreaded/cpython-<version>t/`; a marker written last
makes a half-finished build invisible, and a finished one is reused at once.

Stdlib only, Python 3.9+: it runs under whatever `python3` a fresh machine has.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gilviz.core.user_cache import (
    FINISHED_MARKER,
    finished_free_threaded_pythons,
    free_threaded_root,
    read_marker,
    write_marker,
)

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
# Newest first: the 3.14 source package was not in trixie's index when this was written.
SOURCE_PACKAGES = ("python3.14", "python3.13")
SUITE = os.environ.get("GILVIZ_DEBIAN_SUITE", "trixie")
MIRROR = os.environ.get("GILVIZ_DEBIAN_MIRROR", "http://deb.debian.org/debian")
DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
BUILD_DEPS = (
    "build-essential", "pkg-config",
    "libssl-dev", "zlib1g-dev", "libffi-dev", "libbz2-dev", "liblzma-dev", "libsqlite3-dev",
    "libreadline-dev", "uuid-dev", "libncurses-dev", "libgdbm-dev", "libgdbm-compat-dev",
    "libzstd-dev",
)
HEARTBEAT_S = 30.0
ALTERNATIVES = """\
Other ways to get a free-threaded Python (gilviz finds them on its own):
  - uv:          uv python install 3.13t      (or 3.14t)
  - python.org:  the macOS and Windows installers offer "free-threaded binaries" as an
                 option (macOS: PythonT.framework, `python3.13t`; Windows: `python3.13t.exe`)
  - any other:   set GILVIZ_PYTHONS=/path/to/python3.13t"""

Progress = Callable[[str], None]


class Refused(Exception):
    """This machine cannot build it (wrong OS, no root, archive unreachable): one sentence."""


class BuildFailed(Exception):
    """A build step failed; the log has the details."""


class Cancelled(BuildFailed):
    """The caller set the cancel event (the window's Cancel button): nothing is kept."""


def cached_python() -> Path | None:
    """The interpreter of a finished build in the cache, or None."""
    found = finished_free_threaded_pythons()
    return found[0] if found else None


def get_free_threaded(progress: Progress = print, log_path: Path | None = None,
                      cancel: threading.Event | None = None) -> Path:
    """Return a free-threaded python from the cache, building it first when there is none.

    Raises Refused when this machine cannot build one, BuildFailed when a step fails,
    Cancelled soon after `cancel` is set (a window can run this off its UI thread).
    Safe to call from two processes at once: the second waits for the first's build.
    """
    python = cached_python()
    if python is not None:
        return python
    root = free_threaded_root()
    root.mkdir(parents=True, exist_ok=True)
    with _exclusive(root / ".lock", progress):
        python = cached_python()  # built by the one we waited for
        if python is not None:
            return python
        log_path = log_path or root / "build.log"
        return _Build(root, log_path, progress, cancel or threading.Event()).run()


@contextlib.contextmanager
def _exclusive(lock_path: Path, progress: Progress) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: the build refuses anyway
        yield
        return
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            progress("another build of the free-threaded Python is running; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Build:
    """One build: check the machine, fetch the source, configure, make, install, strip."""

    def __init__(self, root: Path, log_path: Path, progress: Progress,
                 cancel: threading.Event) -> None:
        self.root = root
        self.cancel = cancel
        self.log_path = log_path
        self.progress = progress
        self.started = time.monotonic()
        self.log = None

    def say(self, message: str) -> None:
        minutes = (time.monotonic() - self.started) / 60
        line = f"[{minutes:4.1f} min] {message}"
        self.progress(line)
        if self.log is not None:
            self.log.write(f"\n### {line}\n")
            self.log.flush()

    def run(self) -> Path:
        sudo = _check_machine()
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        try:
            self.say(f"building a free-threaded CPython; log: {self.log_path}")
            self._install_build_deps(sudo)
            with tempfile.TemporaryDirectory(prefix=".work-", dir=self.root) as work:
                return self._build_in(Path(work))
        finally:
            self.log.close()
            self.log = None

    def _install_build_deps(self, sudo: list[str]) -> None:
        missing = _missing_packages(BUILD_DEPS + _keyring_package())
        if not missing:
            self.say("build dependencies: all installed")
            return
        asks = " (sudo may ask for your password)" if sudo == ["sudo"] else ""
        self.say(f"installing build dependencies{asks}: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        # Wait for another apt (an unattended upgrade, another install) instead of failing.
        apt = [*sudo, "apt-get", "-o", "DPkg::Lock::Timeout=600"]
        # The system's own lists may be stale or absent (a fresh container): refresh them
        # when an install finds nothing to install from.
        install = [*apt, "install", "-y", "--no-upgrade", "--no-install-recommends", *missing]
        # In this session: sudo needs the terminal to ask for a password.
        if self._call(install, env=env, check=False, own_session=False) != 0:
            self._call([*apt, "update"], env=env, check=False, own_session=False)
            if self._call(install, env=env, check=False, own_session=False) != 0:
                raise BuildFailed(f"could not install the build dependencies ({' '.join(missing)})"
                                  f"; see {self.log_path}")

    def _build_in(self, work: Path) -> Path:
        tarball = self._fetch_source(work)
        package, version = _parse_tarball_name(tarball.name)
        self.say(f"unpacking {tarball.name}")
        src = _unpack(tarball, work / "src")
        tarball.unlink()
        dest = self.root / f"cpython-{version}t"
        if dest.exists():  # an earlier build died half-way (no marker): start over
            shutil.rmtree(dest)
        try:
            return self._build_into(src, dest, package, version)
        except BaseException:
            if read_marker(dest) is None:
                shutil.rmtree(dest, ignore_errors=True)
            raise

    def _build_into(self, src: Path, dest: Path, package: str, version: str) -> Path:
        minor = ".".join(version.split(".")[:2])
        jobs = max(2, os.cpu_count() or 2)
        self.say(f"./configure --disable-gil (about half a minute) into {dest}")
        # Neither the test suite nor the static library: less to build, install and keep.
        self._call(["./configure", "--disable-gil", f"--prefix={dest}",
                    "--disable-test-modules", "--without-static-libpython"], cwd=src)
        self.say(f"make -j{jobs} (about 2-4 minutes on 2 cores)")
        self._call(["make", f"-j{jobs}"], cwd=src, heartbeat="make")
        self.say("make install (about half a minute)")
        self._call(["make", "install"], cwd=src, heartbeat="make install")
        python = dest / "bin" / f"python{minor}t"
        if not python.is_file():
            raise BuildFailed(f"make install left no {python}; see {self.log_path}")
        self.say("removing the test suite and the static library, stripping binaries")
        _slim(dest, self._call)
        self._check(python)
        size_mb = _size_mb(dest)
        seconds = time.monotonic() - self.started
        write_marker(dest, {
            "python": str(python.relative_to(dest)),
            "version": version,
            "source": f"Debian {SUITE} {package} {version}",
            "build_seconds": round(seconds, 1),
            "size_mb": round(size_mb, 1),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        })
        self.say(f"done: {python} ({size_mb:.0f} MB, built in {seconds / 60:.1f} minutes)")
        return python

    def _fetch_source(self, work: Path) -> Path:
        apt = _throwaway_apt(work / "apt")
        self.say(f"reading Debian {SUITE}'s source index from {MIRROR} (throw-away apt config)")
        # apt-get update exits 0 when an index could not be fetched: look for it instead.
        self._call([*apt, "update"], check=False)
        if not any((work / "apt" / "lists").glob(f"*_dists_{SUITE}_*Sources*")):
            raise Refused(f"the Debian archive ({MIRROR}, {SUITE}) is unreachable; "
                          f"see {self.log_path}")
        download = work / "download"
        download.mkdir()
        for package in SOURCE_PACKAGES:
            self.say(f"downloading the {package} source package")
            rc = self._call([*apt, "source", "--download-only", "--tar-only", package],
                            cwd=download, check=False)
            tarballs = sorted(download.glob(f"{package}_*.orig.tar.*"))
            if rc == 0 and tarballs:
                return tarballs[0]
            self.say(f"{package}: not available from {SUITE}, trying the next one")
            for leftover in download.iterdir():
                leftover.unlink()
        raise BuildFailed(f"none of {', '.join(SOURCE_PACKAGES)} could be downloaded from "
                          f"Debian {SUITE}; see {self.log_path}")

    def _check(self, python: Path) -> None:
        code = ("import sys, sysconfig; assert sysconfig.get_config_var('Py_GIL_DISABLED'); "
                "assert not sys._is_gil_enabled(); import ssl, sqlite3, ctypes, venv, zlib, lzma")
        if self._call([str(python), "-c", code], check=False) != 0:
            raise BuildFailed(f"the built {python.name} failed its check (free-threaded, "
                              f"ssl, sqlite3, ctypes, venv); see {self.log_path}")

    def _call(self, argv: Sequence[str], cwd: Path | None = None, env: dict | None = None,
              check: bool = True, heartbeat: str | None = None,
              own_session: bool = True) -> int:
        """Run one step, output to the log only; a heartbeat line every 30 s for long ones."""
        assert self.log is not None
        if self.cancel.is_set():
            raise Cancelled("cancelled; nothing half-built is kept")
        self.log.write(f"\n$ {' '.join(argv)}\n")
        self.log.flush()
        # Its own process group, so that cancelling stops make's compilers as well.
        proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=self.log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=own_session)
        done = threading.Event()
        ticker = None
        if heartbeat:
            def beat() -> None:
                while not done.wait(HEARTBEAT_S):
                    self.say(f"{heartbeat}: still running")
            ticker = threading.Thread(target=beat, name="build-heartbeat", daemon=True)
            ticker.start()
        try:
            while True:
                try:
                    rc = proc.wait(timeout=0.25)
                    break
                except subprocess.TimeoutExpired:
                    if self.cancel.is_set():
                        raise Cancelled("cancelled; nothing half-built is kept") from None
        except BaseException:
            with contextlib.suppress(OSError):
                if own_session:
                    os.killpg(proc.pid, signal.SIGKILL)
                else:
                    proc.kill()
            proc.wait()
            raise
        finally:
            done.set()
            if ticker is not None:
                ticker.join()
        if check and rc != 0:
            raise BuildFailed(f"`{' '.join(argv[:2])}` failed (exit {rc}); see {self.log_path}")
        return rc


def _check_machine() -> list[str]:
    """Refuse where the build cannot work; return the sudo prefix apt-get needs ([] as root)."""
    if sys.platform != "linux":
        raise Refused(f"building needs Debian or Ubuntu; this is {platform.system()}")
    ids = _os_release_ids()
    if not ids & {"debian", "ubuntu"}:
        raise Refused("building needs Debian or Ubuntu (apt and Debian's source package); "
                      f"this is {' '.join(sorted(ids)) or 'an unknown Linux'}")
    if shutil.which("apt-get") is None:
        raise Refused("building needs apt-get, and there is none on PATH")
    missing = _missing_packages(BUILD_DEPS + _keyring_package())
    if not missing:
        return []  # nothing to install: no root needed
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is None:
        raise Refused("the build dependencies are missing and installing them needs root, "
                      "but this is not root and there is no sudo; as root run: "
                      f"apt-get install --no-upgrade {' '.join(missing)}")
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if not interactive and subprocess.run(["sudo", "-n", "true"], capture_output=True,
                                          check=False).returncode != 0:
        raise Refused("the build dependencies are missing and sudo needs a password here; "
                      f"run: sudo apt-get install --no-upgrade {' '.join(missing)}")
    return ["sudo"] if interactive else ["sudo", "-n"]


def _os_release_ids() -> set[str]:
    ids: set[str] = set()
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return ids
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip('"').lower().split())
    return ids


def _keyring_package() -> tuple[str, ...]:
    """Ubuntu lacks Debian's archive keys unless this package is installed."""
    return () if DEBIAN_KEYRING.is_file() else ("debian-archive-keyring",)


def _missing_packages(packages: Sequence[str]) -> list[str]:
    missing = []
    for package in packages:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0 or "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def _throwaway_apt(folder: Path) -> list[str]:
    """apt-get options for a private configuration: its own sources, lists and cache."""
    lists, cache, parts = folder / "lists", folder / "cache", folder / "sources.list.d"
    for path in (lists / "partial", cache / "archives" / "partial", parts):
        path.mkdir(parents=True, exist_ok=True)
    sources = folder / "sources.list"
    sources.write_text(f"deb-src [signed-by={DEBIAN_KEYRING}] {MIRROR} {SUITE} main\n",
                       encoding="utf-8")
    options = {
        "Dir::Etc::SourceList": sources,
        "Dir::Etc::SourceParts": parts,
        "Dir::State::Lists": lists,
        "Dir::Cache": cache,
        "Acquire::Languages": "none",
        "Acquire::Retries": "2",
        "Acquire::http::Timeout": "30",
    }
    if os.geteuid() == 0:  # the _apt sandbox user cannot write into a root-owned temp dir
        options["APT::Sandbox::User"] = "root"
    argv = ["apt-get", "-q"]
    for key, value in options.items():
        argv += ["-o", f"{key}={value}"]
    return argv


def _parse_tarball_name(name: str) -> tuple[str, str]:
    """'python3.13_3.13.5.orig.tar.xz' -> ('python3.13', '3.13.5')."""
    package, _, rest = name.partition("_")
    version = rest.split(".orig.tar")[0]
    return package, version


def _unpack(tarball: Path, dest: Path) -> Path:
    dest.mkdir()
    with tarfile.open(tarball) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(dest, filter="data")
        else:  # Python < 3.12 without the backport: Debian's own archive, trusted
            archive.extractall(dest)
    tops = [p for p in dest.iterdir() if p.is_dir()]
    if len(tops) != 1 or not (tops[0] / "configure").is_file():
        raise BuildFailed(f"{tarball.name} does not hold one CPython source tree")
    return tops[0]


def _slim(dest: Path, call: Callable[..., int]) -> None:
    """Drop what running lessons never needs: the test suite, static libraries, bytecode
    for `-O`/`-OO` (compiled again on demand), debug symbols."""
    for lib in (dest / "lib").glob("python3.*"):
        for name in ("test", "idlelib/idle_test"):
            shutil.rmtree(lib / name, ignore_errors=True)
        for optimized in lib.rglob("*.opt-[12].pyc"):
            optimized.unlink()
    for static in [*(dest / "lib").glob("libpython*.a"),
                   *(dest / "lib").glob("python3.*/config-*/libpython*.a")]:
        static.unlink()
    if shutil.which("strip") is None:
        return
    binaries = [p for p in (dest / "bin").iterdir() if p.is_file() and not p.is_symlink()
                and _is_elf(p)]
    binaries += list((dest / "lib").glob("python3.*/lib-dynload/*.so"))
    binaries += [p for p in (dest / "lib").glob("libpython3*.so*") if not p.is_symlink()]
    if binaries:
        call(["strip", "--strip-unneeded", *map(str, binaries)], check=False)


def _is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def _size_mb(folder: Path) -> float:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total / 1e6


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="get-free-threaded",
        description="Build a free-threaded CPython from Debian's source package into "
                    f"gilviz's cache ({free_threaded_root()}); reuse it when already there. "
                    "Prints the interpreter's path last.")
    parser.add_argument("--log", type=Path, metavar="FILE",
                        help=f"build log (default: {free_threaded_root() / 'build.log'})")
    parser.add_argument("--where", action="store_true",
                        help="only print the cached interpreter's path (exit 1 when none)")
    args = parser.parse_args(argv)
    if args.where:
        python = cached_python()
        if python is None:
            print("no free-threaded Python in gilviz's cache yet", file=sys.stderr)
            return EXIT_FAILED
        print(python)
        return EXIT_OK

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        python = get_free_threaded(progress, args.log)
    except Refused as exc:
        print(f"get-free-threaded: cannot build here: {exc}", file=sys.stderr)
        print(ALTERNATIVES, file=sys.stderr)
        return EXIT_REFUSED
    except BuildFailed as exc:
        print(f"get-free-threaded: build failed: {exc}", file=sys.stderr)
        print(ALTERNATIVES, file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("get-free-threaded: interrupted; nothing half-built will be used",
              file=sys.stderr)
        return 130
    print(python, flush=True)
    return EXIT_OK


__all__ = ["FINISHED_MARKER", "BuildFailed", "Cancelled", "Refused", "cached_python",
           "get_free_threaded", "main"]

if __name__ == "__main__":
    sys.exit(main())
