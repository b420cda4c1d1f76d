"""What goes into Spoke's PyInstaller bundle, shared by installers/spoke.spec and the tests.

* Which modules, Qt parts and system libraries are left out, and why (``EXCLUDES``,
  ``QT_UNUSED``, ``SYSTEM_LIBRARIES``, ``keep``).
* Windows .ico and macOS .icns files made from the PNG icons in resources/icons. Both formats
  may hold PNG images as they are (ICO since Windows Vista, ICNS since OS X 10.7), so no image
  library is needed: the spec writes them into PyInstaller's work folder at build time and
  nothing derived is kept in the repository.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

# Python modules left out: Qt modules the app never loads (it does load QtPdf and
# QtPdfWidgets: a case's PDF documents are previewed inside Spoke, docs/attachments.md); the
# hub's PostgreSQL driver (the app's demo hub is the embedded one) and uvicorn's optional
# speed-ups; development tools and optional extras that hooks or optional imports would
# otherwise drag in (pygments through Mako's plugin, rich through a hook).
EXCLUDES = [
    "tkinter",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtMultimedia",
    "psycopg", "psycopg_binary", "uvloop", "httptools",
    "numpy", "scipy", "hypothesis", "pytest", "_pytest", "mypy", "ast_serialize", "IPython",
    "pygments", "rich", "markdown_it", "mdurl", "pydoc_data",
    # Packaging tools and the interactive interpreter's helpers: a venv made by uv from the
    # lock has setuptools' distutils hack on its path, which brought setuptools, distutils,
    # wheel, pydoc and readline (with libreadline and libtinfo) into the bundle: +1.9 MiB, and
    # over the 10 % the installer test allows (a fresh-clone CI run found it).
    "setuptools", "pkg_resources", "_distutils_hack", "distutils", "wheel", "pydoc",
    "readline", "rlcompleter",
]
# Qt plugins and libraries the app never loads: the virtual keyboard (QML and Qt Quick come with
# it); image formats it never reads (TIFF, TGA, WBMP, and PDF as a picture: documents' PDFs are
# shown by libQt6Pdf, which stays, as does WebP, a picture type documents preview); and the
# platforms of kiosks and embedded devices without a desktop (EGLFS, Linux framebuffer, VNC,
# Vulkan display, evdev and TUIO input). A desktop is served by xcb (X11) and Wayland, and the
# tests by offscreen.
# Of Qt's translations only qtbase_*.qm of the languages Spoke itself is translated into are
# kept (resources/i18n/spoke_*.qm): spokeapp/ui/translation.py loads Qt's words only with
# Spoke's own (today Welsh, for which Qt has none, so none: -5.7 MiB).
QT_UNUSED = (
    "platforminputcontexts/libqtvirtualkeyboardplugin",
    "libQt6VirtualKeyboard", "libQt6Qml", "libQt6Quick",
    "imageformats/libqpdf", "imageformats/libqtiff", "imageformats/libqtga",
    "imageformats/libqwbmp",
    "platforms/libqeglfs", "platforms/libqminimalegl", "platforms/libqlinuxfb",
    "platforms/libqvnc", "platforms/libqvkkhrdisplay", "egldeviceintegrations/",
    "libQt6EglFSDeviceIntegration", "libQt6EglFsKmsSupport", "plugins/generic/",
)
# Linux: the desktop's own libraries (X11/xcb, fonts, GLib, D-Bus, Kerberos, and the GTK stack
# behind Qt's GTK theme plugin) come from the system, not the bundle. PyInstaller would copy
# whichever of them the build machine happens to have, so the bundle would differ from machine
# to machine, and a build machine's copies may not suit the desktop they run on (fontconfig's
# configuration, the X server's extensions) nor get its security updates. The .deb declares
# them as Depends (installers/build_linux.py); Python's own libraries stay in the bundle.
SYSTEM_LIBRARIES = re.compile(
    r"lib(xcb|X11|Xau|Xdmcp|Xext|Xrender|Xi|xkbcommon|fontconfig|freetype|expat|png16|dbus-1"
    r"|systemd|glib-2|gio-2|gobject-2|gmodule-2|gthread-2|gssapi_krb5|krb5|k5crypto|com_err"
    r"|keyutils|gtk-3|gdk-3|gdk_pixbuf|atk|cairo|pango(ft2|cairo)?|harfbuzz|graphite2|pixman"
    r"|fribidi|thai|datrie|brotli|jpeg|blkid|mount|selinux|pcre2|gcrypt|gpg-error|lz4|zstd|cap"
    r"|bsd|md)[-.\d_]"
)


def is_system_library(name: str) -> bool:
    return bool(SYSTEM_LIBRARIES.match(name))


def keep(dest: str, platform: str = sys.platform) -> bool:
    """Whether a file PyInstaller collected (by its path in the bundle) goes in."""
    dest = dest.replace("\\", "/")
    name = dest.rsplit("/", 1)[-1]
    if any(part in dest for part in QT_UNUSED):
        return False
    if platform.startswith("linux") and is_system_library(name):
        return False
    if "/Qt/translations/" in dest:
        return name in {f"qtbase_{language}.qm" for language in spoke_languages()}
    return True


def spoke_languages(i18n: Path | None = None) -> list[str]:
    """The languages Spoke has a compiled catalogue for ("cy" from spoke_cy.qm)."""
    folder = i18n or Path(__file__).resolve().parents[1] / "resources" / "i18n"
    return sorted(path.stem.removeprefix("spoke_") for path in folder.glob("spoke_*.qm"))


SIZES = (16, 32, 48, 64, 128, 256)
# ICNS entry types that take a PNG, by pixel size (the "@2x" types reuse the bigger PNG).
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _pngs(icons: Path) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    for size in SIZES:
        data = (icons / f"spoke-{size}.png").read_bytes()
        if png_size(data) != (size, size):
            raise ValueError(f"spoke-{size}.png is not {size}x{size}")
        found[size] = data
    return found


def write_ico(icons: Path, dest: Path) -> Path:
    images = _pngs(icons)
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images.items():
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    dest.write_bytes(header + entries + blobs)
    return dest


def write_icns(icons: Path, dest: Path) -> Path:
    images = _pngs(icons)
    body = b"".join(kind + struct.pack(">I", 8 + len(images[size])) + images[size]
                    for kind, size in ICNS_TYPES)
    dest.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)
    return dest
