#!/usr/bin/env python3
"""Build Spoke for Linux: the PyInstaller one-folder app, then a .deb and a portable tarball.

    .venv/bin/python installers/build_linux.py            # dist/spoke_VERSION_amd64.deb and
                                                          # dist/spoke-VERSION-linux-x86_64.tar.gz
    .venv/bin/python installers/build_linux.py --fast     # quick compression (the test run)

The .deb installs the app under /opt/spoke with a /usr/bin/spoke link, a desktop entry and the
icon in the hicolor theme, and declares as Depends the system libraries the bundle needs but
does not carry (Qt's xcb platform libraries, OpenGL/EGL, fontconfig, D-Bus, GLib, glibc; the
spec leaves the desktop's own libraries out of the bundle on purpose): they are read from the
bundle's ELF files (objdump -p, from binutils, which PyInstaller needs anyway)
and mapped to Debian packages by SONAME_PACKAGES below, and the build fails on a library it
cannot map rather than ship a .deb that would not start. Needs: binutils, dpkg (dpkg-deb).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Every shared library the bundle may need from the system, and the Debian/Ubuntu package
# that provides it (the names are the same on Debian 12 and Ubuntu 22.04 and later).
SONAME_PACKAGES = {
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6", "librt.so.1": "libc6", "libutil.so.1": "libc6",
    "ld-linux-x86-64.so.2": "libc6", "libresolv.so.2": "libc6",
    "libgcc_s.so.1": "libgcc-s1", "libstdc++.so.6": "libstdc++6", "libz.so.1": "zlib1g",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1", "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-glx.so.0": "libxcb-glx0", "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libSM.so.6": "libsm6", "libICE.so.6": "libice6", "libXext.so.6": "libxext6",
    "libXrender.so.1": "libxrender1", "libXi.so.6": "libxi6",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0":
    "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2", "libkrb5.so.3": "libkrb5-3",
    "libcups.so.2": "libcups2", "libmtdev.so.1": "libmtdev1", "libinput.so.10": "libinput10",
    "libudev.so.1": "libudev1", "libdrm.so.2": "libdrm2", "libgbm.so.1": "libgbm1",
    "libxshmfence.so.1": "libxshmfence1", "libgtk-3.so.0": "libgtk-3-0",
    "libgdk-3.so.0": "libgtk-3-0", "libpango-1.0.so.0": "libpango-1.0-0",
    "libcairo.so.2": "libcairo2", "libcairo-gobject.so.2": "libcairo-gobject2",
    "libgdk_pixbuf-2.0.so.0": "libgdk-pixbuf-2.0-0", "libatk-1.0.so.0": "libatk1.0-0",
    "libpangocairo-1.0.so.0": "libpangocairo-1.0-0",
    "libharfbuzz.so.0": "libharfbuzz0b", "libpng16.so.16": "libpng16-16",
    "libexpat.so.1": "libexpat1", "libzstd.so.1": "libzstd1", "liblz4.so.1": "liblz4-1",
    "libbrotlidec.so.1": "libbrotli1", "libbrotlicommon.so.1": "libbrotli1",
    "libpcre2-8.so.0": "libpcre2-8-0", "libsystemd.so.0": "libsystemd0",
    "libselinux.so.1": "libselinux1", "libmount.so.1": "libmount1", "libblkid.so.1": "libblkid1",
    "libgmodule-2.0.so.0": "libglib2.0-0", "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6", "libk5crypto.so.3": "libk5crypto3",
    "libcom_err.so.2": "libcom-err2", "libkrb5support.so.0": "libkrb5support0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0", "libpixman-1.so.0": "libpixman-1-0",
}
# Plugins whose system libraries are only recommended: Qt loads a plugin only when it is asked
# for, and without its libraries it is skipped (the GTK theme: GNOME's look for dialogs).
OPTIONAL_PLUGINS = ("platformthemes/libqgtk3.so",)
DESCRIPTION = """Casebook and lone-working safety for outreach workers
 Spoke is an offline-first casebook for child sexual exploitation outreach
 workers: everything recorded is kept in an encrypted database on the laptop,
 and synced with the charity's own hub when online.
"""


def version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def build_bundle(dist: Path, work: Path) -> Path:
    pyinstaller = Path(sys.executable).parent / "pyinstaller"
    subprocess.run(
        [str(pyinstaller), "--noconfirm", "--log-level", "ERROR", "--distpath", str(dist),
         "--workpath", str(work), str(HERE / "spoke.spec")],
        cwd=ROOT, check=True,
    )
    return dist / "spoke"


def _elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(bundle: Path) -> dict[str, list[str]]:
    """Libraries the bundle's ELF files need that the bundle does not carry: soname -> users."""
    files = _elf_files(bundle)
    carried = {path.name for path in bundle.rglob("*.so*")}
    needed: dict[str, list[str]] = {}
    for start in range(0, len(files), 200):
        chunk = files[start:start + 200]
        out = subprocess.run(["objdump", "-p", *map(str, chunk)], capture_output=True,
                             text=True, check=True).stdout
        current = ""
        for line in out.splitlines():
            if line.endswith("file format elf64-x86-64"):
                current = line.split(":", 1)[0]
            match = re.match(r"\s+NEEDED\s+(\S+)", line)
            if match and match.group(1) not in carried:
                user = Path(current).relative_to(bundle).as_posix()
                needed.setdefault(match.group(1), []).append(user)
    return needed


def relations(bundle: Path) -> tuple[list[str], list[str]]:
    """The .deb's Depends (a package for every system library a file of the app needs) and
    Recommends (what only the optional plugins need)."""
    depends: set[str] = set()
    recommends: set[str] = set()
    unknown: list[str] = []
    for soname, users in sorted(system_libraries(bundle).items()):
        required = [u for u in users if not any(opt in u for opt in OPTIONAL_PLUGINS)]
        if soname in SONAME_PACKAGES:
            (depends if required else recommends).add(SONAME_PACKAGES[soname])
        elif required:
            unknown.append(f"{soname} (needed by {required[0]})")
    if unknown:
        sys.exit("No Debian package known for these libraries; add them to SONAME_PACKAGES in "
                 "installers/build_linux.py:\n  " + "\n  ".join(unknown))
    depends.discard("libc6")
    recommends -= depends | {"libc6"}
    # the PySide6 wheels need glibc 2.34
    return ["libc6 (>= 2.34)", *sorted(depends)], sorted(recommends)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _tree_size_kib(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()
               ) // 1024 + 1


def deb_architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def stage_deb(bundle: Path, root: Path, ver: str) -> Path:
    """The .deb's file tree under ``root`` (the package's view of /)."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / "opt" / "spoke", symlinks=True, copy_function=_link_or_copy)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "spoke").symlink_to("/opt/spoke/spoke")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / "spoke.desktop", apps / "spoke.desktop")
    icons = root / "usr" / "share" / "icons" / "hicolor"
    for png in sorted((ROOT / "resources" / "icons").glob("spoke-*.png")):
        size = png.stem.split("-")[1]
        target = icons / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy2(png, target / "spoke.png")
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "spoke.svg", icons / "scalable" / "apps")
    doc = root / "usr" / "share" / "doc" / "spoke"
    doc.mkdir(parents=True)
    shutil.copy2(ROOT / "LICENSE", doc / "copyright")
    control = root / "DEBIAN"
    control.mkdir()
    depends, recommends = relations(bundle)
    fields = {
        "Package": "spoke",
        "Version": ver,
        "Architecture": deb_architecture(),
        "Maintainer": "Spoke maintainers <spoke@example.invalid>",
        "Installed-Size": str(_tree_size_kib(root)),
        "Depends": ", ".join(depends),
        "Recommends": ", ".join(recommends),
        "Section": "misc",
        "Priority": "optional",
        "Description": DESCRIPTION.rstrip("\n"),
    }
    (control / "control").write_text(
        "".join(f"{key}: {value}\n" for key, value in fields.items()), encoding="utf-8")
    for path in [root, *root.rglob("*")]:  # dpkg-deb wants 0755 folders, no group/other write
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~0o022 | (0o755 if path.is_dir() else 0o644)
                   | (0o111 if mode & 0o100 else 0))
    return root


def build_deb(root: Path, out: Path, fast: bool) -> Path:
    compression = ["-Zgzip", "-z1"] if fast else ["-Zxz"]
    subprocess.run(["dpkg-deb", "--root-owner-group", *compression, "--build", str(root),
                    str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def build_tarball(bundle: Path, out: Path, ver: str, fast: bool) -> Path:
    """spoke-VERSION/ with the app folder, its desktop entry and icon: unpack anywhere, run
    spoke-VERSION/spoke/spoke."""
    top = f"spoke-{ver}"
    with tarfile.open(out, "w:gz", compresslevel=1 if fast else 9) as tar:
        tar.add(bundle, arcname=f"{top}/spoke")
        tar.add(HERE / "linux" / "spoke.desktop", arcname=f"{top}/spoke.desktop")
        tar.add(ROOT / "resources" / "icons" / "spoke-256.png", arcname=f"{top}/spoke.png")
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the app folder, .deb and tarball go (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller)")
    parser.add_argument("--fast", action="store_true",
                        help="quick compression (gzip level 1) instead of xz/gzip -9")
    args = parser.parse_args(argv)
    dist: Path = args.dist.resolve()
    ver = version()
    started = time.monotonic()
    bundle = build_bundle(dist, args.work.resolve())
    print(f"App folder: {bundle} ({time.monotonic() - started:.0f} s)", flush=True)
    root = stage_deb(bundle, args.work.resolve() / "deb-root", ver)
    deb = build_deb(root, dist / f"spoke_{ver}_{deb_architecture()}.deb", args.fast)
    shutil.rmtree(root)
    tarball = build_tarball(bundle, dist / f"spoke-{ver}-linux-{os.uname().machine}.tar.gz",
                            ver, args.fast)
    print(f"Built {deb}\nBuilt {tarball}\n({time.monotonic() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
