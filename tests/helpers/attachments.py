"""Obviously fictional documents to attach in tests: a text "consent form" and a small PNG.

Both are distinctive enough that any run of their bytes found on disk can only have come from
them (the at-rest scans search for windows of these bytes)."""

from __future__ import annotations

import random
import struct
import zlib

from spokeapp.domain.attachments import ATTACHMENT_CHUNK_BYTES

CONSENT_FORM_MARKER = "QUOKKAFORM"


def consent_form_text(size: int = 3 * ATTACHMENT_CHUNK_BYTES + 1234) -> bytes:
    """A fictional signed consent form as a text file of ``size`` bytes (several chunks, the
    last one short): numbered lines, each with the marker, so every window is unique."""
    lines = []
    n = 0
    total = 0
    while total < size:
        line = (f"{CONSENT_FORM_MARKER} line {n:06d}: Fictional consent form for Test Person "
                f"Alpha, signed at the Test Youth Project on 6 March 2026.\n")
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines).encode("ascii")[:size]


def fictional_png(width: int = 160, height: int = 120, seed: int = 20) -> bytes:
    """A valid PNG of seeded random pixels (a fictional "drawing"): it does not compress, so
    it is larger than a chunk and its bytes look like no other file's."""
    rng = random.Random(seed)
    raw = b"".join(
        b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height)
    )

    def block(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + block(b"IHDR", header) + block(b"IDAT", zlib.compress(raw))
            + block(b"IEND", b""))


def windows(data: bytes, width: int = 24, step: int = 997) -> list[bytes]:
    """Byte runs of ``data`` to search for: one every ``step`` bytes, and the last one."""
    found = [data[start:start + width] for start in range(0, len(data) - width, step)]
    return [*found, data[-width:]]
