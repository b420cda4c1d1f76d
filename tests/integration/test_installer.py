"""The installers: the Linux .deb and tarball built, installed and run; the other platforms'
build files checked by real tools.

The Linux build (installers/build_linux.py: PyInstaller's one-folder app from
installers/spoke.spec, then the .deb and the tarball) runs once per test session and is shared.
The installed app is started offscreen from another folder with SPOKE_RESOURCES unset, so the
risk tool, translations and the hub's migrations must come from the bundle, and it unlocks the
demo casebook through its real unlock window (``spoke demo --check-unlock``).

What cannot run here (a Windows or macOS build) is checked as far as real tools allow: the
spec is the same file on every platform (no platform branches; PyInstaller applies what belongs
to one platform), and the Linux build executes all of it; the Windows version resource it
writes is read by PyInstaller's own parser; the release workflow passes check-jsonschema's
GitHub-workflow schema; the macOS build script passes shellcheck.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# The Qt/xcb runtime libraries a desktop needs to show the app (not needed offscreen, so only
# the declaration can be checked here, and apt's resolution of it). Qt 6's xcb plugin no longer
# links libxcb-xinerama (RandR replaced it), so the .deb rightly does not ask for it.
QT_XCB_PACKAGES = (
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1",
    "libxkbcommon-x11-0", "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3",
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class LinuxBuild:
    bundle: Path  # the PyInstaller one-folder app
    work: Path  # the spec's work folder (it writes the icons and the version file there)
    deb: Path
    tarball: Path


def _app_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SPOKE_RESOURCES", "PYTHONPATH"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(home)
    return env


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="session")
def linux_build(tmp_path_factory: pytest.TempPathFactory) -> LinuxBuild:
    require((BIN / "pyinstaller").exists(), "PyInstaller is not installed (bootstrap.py test)")
    require(sys.platform.startswith("linux"), "the Linux installers build on Linux")
    for tool in ("dpkg-deb", "objdump"):
        require(shutil.which(tool) is not None, f"{tool} is not installed (apt-get install dpkg "
                "binutils)")
    out = tmp_path_factory.mktemp("linux-build")
    build = subprocess.run(
        [sys.executable, str(ROOT / "installers" / "build_linux.py"), "--fast",
         "--dist", str(out / "dist"), "--work", str(out / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-4000:]
    print(build.stdout)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    return LinuxBuild(
        bundle=out / "dist" / "spoke", work=out / "work" / "spoke",
        deb=out / "dist" / f"spoke_{VERSION}_{arch}.deb",
        tarball=out / "dist" / f"spoke-{VERSION}-linux-{os.uname().machine}.tar.gz",
    )


@pytest.fixture(scope="session")
def bare_qt_bundle(tmp_path_factory: pytest.TempPathFactory, linux_build: LinuxBuild) -> Path:
    """A PyInstaller one-folder bundle of a script that only imports the Qt modules the app
    imports (found in spokeapp's sources), built the same way (stripped), nothing excluded."""
    modules = sorted({m for path in (ROOT / "spokeapp").rglob("*.py")
                      for m in re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8"))})
    assert {"QtCore", "QtGui", "QtWidgets", "QtCharts"} <= set(modules)
    out = tmp_path_factory.mktemp("bare-qt")
    script = out / "bare_qt.py"
    script.write_text("".join(f"import PySide6.{m}\n" for m in modules), encoding="utf-8")
    build = subprocess.run(
        [str(BIN / "pyinstaller"), "--noconfirm", "--onedir", "--strip", "--log-level", "ERROR",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"),
         "--specpath", str(out), str(script)],
        cwd=out, capture_output=True, text=True, timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    return out / "dist" / "bare_qt"


def test_the_deb_installs_into_a_throwaway_root_and_unlocks_the_demo_casebook(
    linux_build: LinuxBuild, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(linux_build.deb), str(root)], check=True)
    launcher = root / "usr" / "bin" / "spoke"
    assert launcher.is_symlink() and os.readlink(launcher) == "/opt/spoke/spoke"
    assert (root / "usr" / "share" / "applications" / "spoke.desktop").read_text(
        encoding="utf-8").count("Exec=spoke") == 1
    assert (root / "usr/share/icons/hicolor/scalable/apps/spoke.svg").exists()
    assert (root / "usr/share/icons/hicolor/256x256/apps/spoke.png").exists()
    app = root / "opt" / "spoke" / "spoke"
    # Its own version, for Settings (spokeapp.present.release reads the package metadata).
    assert (root / "opt/spoke/_internal" / f"spokeapp-{VERSION}.dist-info" / "METADATA").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    profile = tmp_path / "demo-profile"
    run = subprocess.run(
        [str(app), "demo", "--profile", str(profile), "--check-unlock"],
        cwd=elsewhere, env=_app_env(tmp_path / "home"), capture_output=True, text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "Demo hub set up" in run.stdout or "Demo hub running" in run.stdout
    assert "Main window open: 8 cases in the caseload" in run.stdout
    assert (profile / "casebook.db").read_bytes()[:16] != b"SQLite format 3\x00"


def test_the_deb_declares_what_it_needs_and_root_owns_its_files(linux_build: LinuxBuild) -> None:
    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", str(linux_build.deb), name],
                              capture_output=True, text=True, check=True).stdout.strip()

    assert field("Package") == "spoke" and field("Version") == VERSION
    depends = {part.strip().split(" ")[0] for part in field("Depends").split(",")}
    assert set(QT_XCB_PACKAGES) <= depends, set(QT_XCB_PACKAGES) - depends
    listing = subprocess.run(["dpkg-deb", "-c", str(linux_build.deb)], capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert all(" root/root " in line for line in listing), listing[:3]
    assert any(line.endswith("./opt/spoke/spoke") and line.startswith("-rwxr-xr-x")
               for line in listing)
    # apt resolves every declared package against this machine's Debian archive lists.
    apt_get = shutil.which("apt-get")
    require(apt_get is not None and os.geteuid() == 0, "apt-get as root (to resolve Depends)")
    simulate = subprocess.run(
        [str(apt_get), "install", "--simulate", "--no-install-recommends", str(linux_build.deb)],
        capture_output=True, text=True, timeout=300,
    )
    assert simulate.returncode == 0, simulate.stdout[-2000:] + simulate.stderr[-2000:]
    assert re.search(r"^Inst spoke ", simulate.stdout, re.M), simulate.stdout[-2000:]


def test_the_portable_tarball_runs_from_where_it_is_unpacked(
    linux_build: LinuxBuild, tmp_path: Path
) -> None:
    with tarfile.open(linux_build.tarball) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    top = tmp_path / "unpacked" / f"spoke-{VERSION}"
    assert (top / "spoke.desktop").exists() and (top / "spoke.png").exists()
    profile = tmp_path / "demo-profile"
    run = subprocess.run(
        [str(top / "spoke" / "spoke"), "demo", "--profile", str(profile), "--seed-only",
         "--no-hub"],
        cwd=tmp_path, env=_app_env(tmp_path / "home"), capture_output=True, text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "8 fictional young people" in run.stdout


def test_the_bundle_is_within_ten_percent_of_a_bare_qt_bundle(
    linux_build: LinuxBuild, bare_qt_bundle: Path
) -> None:
    """Spoke's bundle against a bare Qt one, compared like for like: the bare bundle less the
    desktop libraries that Spoke's .deb takes from the system instead of carrying (the same rule,
    installers/bundling.py), so what is left over is Spoke's own weight (Python packages,
    SQLCipher, cryptography) less the Qt parts it leaves out."""
    spec = importlib.util.spec_from_file_location("bundling", ROOT / "installers" / "bundling.py")
    assert spec is not None and spec.loader is not None
    bundling = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bundling)
    ours, bare = _size(linux_build.bundle), _size(bare_qt_bundle)
    bare_system = sum(p.stat().st_size for p in bare_qt_bundle.rglob("lib*.so*")
                      if p.is_file() and bundling.is_system_library(p.name))
    baseline = bare - bare_system
    deb = linux_build.deb.stat().st_size
    mib = 2**20
    print(f"\nSpoke one-folder bundle: {ours / mib:.1f} MiB; bare PySide6 bundle of the same Qt "
          f"modules: {bare / mib:.1f} MiB, {baseline / mib:.1f} MiB without the desktop "
          f"libraries the .deb declares instead ({ours / baseline - 1:+.1%}); .deb (gzip -1): "
          f"{deb / mib:.1f} MiB")
    assert bare_system > 0  # the bare bundle did carry some (the rule matched something)
    assert ours <= 1.10 * baseline


def test_the_spec_writes_the_windows_and_macos_resources(
    linux_build: LinuxBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The icon and version files the spec makes for Windows and macOS, read back: the version
    resource by PyInstaller's own parser and serialiser (what its Windows build runs), the
    icons by their formats' directory structures."""
    import PyInstaller.compat

    # versioninfo imports win32api, which PyInstaller.compat defines only on Windows; only its
    # functions that open an .exe use it, not the parser or the serialiser used here.
    monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    versioninfo = importlib.import_module("PyInstaller.utils.win32.versioninfo")
    info = versioninfo.load_version_info_from_text_file(str(linux_build.work / "version_info.txt"))
    numbers = tuple(int(n) for n in VERSION.split("."))
    assert (info.ffi.fileVersionMS >> 16, info.ffi.fileVersionMS & 0xFFFF) == numbers[:2]
    assert "spoke.exe" in str(info)
    assert len(info.toRaw()) > 100  # the bytes PyInstaller writes into spoke.exe

    ico = (linux_build.work / "spoke.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 6)
    sizes = []
    for index in range(count):
        width, _, _, _, _, bits, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * index:22 + 16 * index])
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and bits == 32
        assert offset + length <= len(ico)
        sizes.append(width or 256)
    assert sizes == [16, 32, 48, 64, 128, 256]

    icns = (linux_build.work / "spoke.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    kinds, at = [], 8
    while at < len(icns):
        kind_bytes, length = icns[at:at + 4], struct.unpack(">I", icns[at + 4:at + 8])[0]
        assert icns[at + 8:at + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind_bytes)
        at += length
    assert at == len(icns) and {b"ic07", b"ic08", b"icp4"} <= set(kinds)


def test_the_release_workflow_passes_the_github_workflow_schema(tmp_path: Path) -> None:
    checker = BIN / "check-jsonschema"
    require(checker.exists(), "check-jsonschema is not installed (pip install -e '.[dev]')")
    workflow = ROOT / ".github" / "workflows" / "release.yml"

    def check(path: Path) -> subprocess.CompletedProcess[str]:
        # The schema is vendored in check-jsonschema: no network is used.
        return subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows",
                               str(path)], capture_output=True, text=True, timeout=120)

    result = check(workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    # The validator does reject a broken workflow (a job without runs-on).
    text = workflow.read_text(encoding="utf-8")
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace("    runs-on: ${{ matrix.os }}\n", ""), encoding="utf-8")
    assert check(broken).returncode != 0

    for os_name in ("ubuntu-", "windows-", "macos-"):
        assert f"os: {os_name}" in text
    assert "--require-hashes -r requirements/lock.txt" in text
    assert text.count("actions/upload-artifact") == 1


def test_the_macos_build_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    require(shellcheck is not None, "shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run([str(shellcheck), str(ROOT / "installers/macos/build_macos.sh")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
