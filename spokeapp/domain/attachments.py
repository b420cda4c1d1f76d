"""Attachments' shared rules (docs/attachments.md): chunk size, the default size limit, hashes,
file names and media types. No I/O: the casebook, the hub and the app all use these.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath

#: The unit of storage on the laptop and the hub and of transfer between them: small enough that
#: a check-in written during an upload waits at most one chunk (~0.5 s at 1 Mbit/s).
ATTACHMENT_CHUNK_BYTES = 64 * 1024

#: The hub's default limit for one file (its admin may change it): 25 MB.
DEFAULT_ATTACHMENT_LIMIT = 25_000_000

#: The most any hub may allow, so one file never needs more than this in memory at once.
MAX_ATTACHMENT_LIMIT = 200_000_000

_SHA256 = re.compile(r"[0-9a-f]{64}")

#: Types Spoke knows, by file name ending. Anything else is ``application/octet-stream``.
_MEDIA_TYPES: tuple[tuple[str, str], ...] = (
    (".pdf", "application/pdf"),
    (".png", "image/png"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".gif", "image/gif"),
    (".webp", "image/webp"),
    (".bmp", "image/bmp"),
    (".txt", "text/plain"),
    (".rtf", "application/rtf"),
    (".doc", "application/msword"),
    (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (".odt", "application/vnd.oasis.opendocument.text"),
    (".xls", "application/vnd.ms-excel"),
    (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (".ods", "application/vnd.oasis.opendocument.spreadsheet"),
    (".ppt", "application/vnd.ms-powerpoint"),
    (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (".eml", "message/rfc822"),
    (".zip", "application/zip"),
)

#: Images Spoke previews itself (through an allocation-limited reader).
PREVIEW_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
PDF_TYPE = "application/pdf"
UNKNOWN_TYPE = "application/octet-stream"
FILE_NAME_MAX = 200


def media_type_for(file_name: str) -> str:
    """The media type Spoke shows and previews by, from the name's ending (never sniffed)."""
    lowered = file_name.lower()
    for ending, media_type in _MEDIA_TYPES:
        if lowered.endswith(ending):
            return media_type
    return UNKNOWN_TYPE


def is_sha256(text: str) -> bool:
    """True for 64 lowercase hex digits."""
    return _SHA256.fullmatch(text) is not None


def chunk_count(size: int) -> int:
    """How many chunks a file of ``size`` bytes has (every one full but the last)."""
    return -(-size // ATTACHMENT_CHUNK_BYTES)


def chunk_length(size: int, index: int) -> int:
    """The exact length chunk ``index`` of a ``size``-byte file must have (0: no such chunk)."""
    if not 0 <= index < chunk_count(size):
        return 0
    return min(ATTACHMENT_CHUNK_BYTES, size - index * ATTACHMENT_CHUNK_BYTES)


def plain_file_name(name: str) -> str:
    """The last part of ``name`` as either system would split it, without control characters,
    at most ``FILE_NAME_MAX`` characters: a name to show and to give a temporary copy, never a
    path (a name from another laptop must not point anywhere)."""
    last = PureWindowsPath(PurePosixPath(name).name).name
    cleaned = "".join(ch for ch in last if ch.isprintable()).strip().strip(".")
    if len(cleaned) > FILE_NAME_MAX:
        _stem, dot, ending = cleaned.rpartition(".")
        keep = ending if dot and len(ending) <= 10 else ""
        cleaned = cleaned[: FILE_NAME_MAX - len(keep) - 1] + "." + keep if keep else (
            cleaned[:FILE_NAME_MAX])
    return cleaned or "attachment"


#: Names Windows keeps for devices, whatever the ending ("CON.txt" opens the console, not a
#: file); the digits include the superscripts Windows also reserves.
_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{digit}" for port in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)
#: Characters no Windows file name may hold (":" would write an NTFS stream beside the file).
_NOT_ON_WINDOWS = re.compile(r'[<>:"/\\|?*]')


def disk_file_name(name: str) -> str:
    """:func:`plain_file_name`, made a name every system Spoke runs on will create as an
    ordinary file: characters Windows refuses (or reads as a stream) become "_", and a
    device name such as ``CON`` or ``LPT1`` (with any ending) gets a "_" in front. For the
    copies Spoke writes to disk; the record keeps its plain name."""
    cleaned = _NOT_ON_WINDOWS.sub("_", plain_file_name(name))
    stem = cleaned.split(".", 1)[0].rstrip(" ")
    return f"_{cleaned}" if stem.upper() in _DEVICE_NAMES else cleaned


def megabytes(size: int) -> str:
    """``size`` bytes in MB for messages ("25 MB", "2.5 MB")."""
    value = size / 1_000_000
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
