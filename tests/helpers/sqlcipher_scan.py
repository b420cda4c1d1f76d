"""Read every byte a SQLCipher 4 file holds, the way someone with the key and a hex editor would.

Tests that promise "no readable byte is left" (disposal, erasure: issue 16) cannot ask SQLite:
SQLite shows only live rows, while freed pages, the free list, slack space inside pages and
old WAL frames may still hold copies. These functions decrypt *every* page of the file and
every frame of its WAL with the raw key, without SQLite, so a test can search the plaintext.

SQLCipher 4 defaults (the hub and the casebook both key with ``PRAGMA key = "x'<64 hex>'"``,
a raw 256-bit key used directly as the AES key, no PBKDF2):

* pages of 4096 bytes; page 1 starts with the 16-byte salt (in place of "SQLite format 3");
* the last 80 bytes of each page are reserved: a 16-byte IV, then a 64-byte HMAC-SHA512;
* the rest (page 1: bytes 16..4016; other pages: 0..4016) is AES-256-CBC with that IV, no
  padding.

The HMAC is not checked: a scan wants every byte, including pages SQLite would reject.
A WAL file has a 32-byte header, then frames of a 24-byte header and one encrypted page each.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
SALT_BYTES = 16
RESERVE_BYTES = 80
IV_BYTES = 16
WAL_HEADER_BYTES = 32
WAL_FRAME_HEADER_BYTES = 24
SQLITE_HEADER = b"SQLite format 3\x00"


def decrypt_page(page: bytes, key: bytes, *, first: bool) -> bytes:
    """The plaintext of one encrypted page (page 1 gets SQLite's header back in front)."""
    if len(page) != PAGE_SIZE:
        raise ValueError("a SQLCipher page is 4096 bytes")
    start = SALT_BYTES if first else 0
    end = PAGE_SIZE - RESERVE_BYTES
    iv = page[end : end + IV_BYTES]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    body = decryptor.update(page[start:end]) + decryptor.finalize()
    return (SQLITE_HEADER + body) if first else body


def decrypted_pages(path: Path, key: bytes) -> Iterator[bytes]:
    """Every page of the database file at ``path``, decrypted with the raw 32-byte ``key``:
    live pages, free-list pages and any page past what SQLite still uses."""
    data = path.read_bytes()
    for number, offset in enumerate(range(0, len(data) - PAGE_SIZE + 1, PAGE_SIZE)):
        yield decrypt_page(data[offset : offset + PAGE_SIZE], key, first=number == 0)


def wal_frames(path: Path, key: bytes) -> Iterator[bytes]:
    """Every page image in the write-ahead log at ``path`` (``hub.db-wal``), decrypted, also
    frames already checkpointed or from an older WAL generation that SQLite would ignore.
    A missing WAL yields nothing."""
    if not path.exists():
        return
    data = path.read_bytes()
    frame = WAL_FRAME_HEADER_BYTES + PAGE_SIZE
    offset = WAL_HEADER_BYTES
    while offset + frame <= len(data):
        page_number = int.from_bytes(data[offset : offset + 4], "big")
        page = data[offset + WAL_FRAME_HEADER_BYTES : offset + frame]
        yield decrypt_page(page, key, first=page_number == 1)
        offset += frame


def plaintext(db_path: Path, key: bytes) -> bytes:
    """All decrypted bytes of a database and its WAL, joined, for searching."""
    wal = db_path.with_name(db_path.name + "-wal")
    return b"".join([*decrypted_pages(db_path, key), *wal_frames(wal, key)])


def find_markers(db_path: Path, key: bytes, markers: list[str]) -> set[str]:
    """Which of ``markers`` occur anywhere in the file or its WAL (UTF-8, as SQLite stores
    text in a UTF-8 database)."""
    text = plaintext(db_path, key)
    return {marker for marker in markers if marker.encode("utf-8") in text}
