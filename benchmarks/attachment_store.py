"""Where a laptop keeps attached files: inside the SQLCipher casebook, or beside it.

    .venv/bin/python benchmarks/attachment_store.py [--size 25000000] [--runs 3]

Writes and reads back a file of random bytes (``--size``, default the hub's 25 MB limit) two
ways, each run with a new file, and prints min / median / max over ``--runs``:

* **casebook**: the real path, ``Casebook.attach`` (a file on disk, hashed, then stored in
  64 KiB chunks in ``attachment_chunks`` with its record, change and audit row in one
  transaction; SQLCipher 4, WAL, ``synchronous = FULL``, ``secure_delete``), and
  ``Casebook.attachment_bytes`` after closing and reopening the casebook (so SQLite's page
  cache is cold; the operating system's cache is warm for both ways);
* **separate file**: the alternative, made only here for comparison: the file hashed, then
  written beside the casebook encrypted with AES-256-GCM under a key derived by HKDF-SHA256
  from the casebook's data key, in 64 KiB chunks each authenticated on its own (nonce = file
  nonce + chunk number; the hash, number and a last-chunk flag as associated data, so chunks
  cannot be reordered, dropped or cut short), fsync'd with its folder; read back by decrypting
  and checking every chunk. The record would still be written to the casebook (not timed).

Both ways read the source file twice (hash, then store), as the app does. Figures: seconds to
write and to read back, MB/s, bytes on disk per byte stored, and the WAL left after a write.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, check
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS, KeyFile
from spokeapp.domain.attachments import ATTACHMENT_CHUNK_BYTES, chunk_count
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook

PASSPHRASE = "benchmark passphrase, not a secret"
TAG_BYTES = 16


# ------------------------------------------------------------------ the alternative
def file_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"spoke attachment files v1").derive(data_key)


def _aad(sha256: str, index: int, last: bool) -> bytes:
    return sha256.encode("ascii") + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def write_separate(source: Path, folder: Path, key: bytes) -> tuple[str, Path]:
    """Hash ``source``, then write it encrypted to ``folder/<sha256>``, durably."""
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        while piece := handle.read(ATTACHMENT_CHUNK_BYTES):
            digest.update(piece)
    sha256 = digest.hexdigest()
    size = source.stat().st_size
    total = chunk_count(size)
    aead = AESGCM(key)
    prefix = secrets.token_bytes(4)
    temporary = folder / f".{sha256}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
        out.write(prefix)
        index = 0
        while piece := handle.read(ATTACHMENT_CHUNK_BYTES):
            nonce = prefix + index.to_bytes(8, "big")
            out.write(aead.encrypt(nonce, piece, _aad(sha256, index, index == total - 1)))
            index += 1
        out.flush()
        os.fsync(out.fileno())
    target = folder / sha256
    temporary.rename(target)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return sha256, target


def read_separate(path: Path, sha256: str, size: int, key: bytes) -> bytes:
    aead = AESGCM(key)
    total = chunk_count(size)
    pieces = []
    with path.open("rb") as handle:
        prefix = handle.read(4)
        for index in range(total):
            sealed = handle.read(min(ATTACHMENT_CHUNK_BYTES,
                                     size - index * ATTACHMENT_CHUNK_BYTES) + TAG_BYTES)
            nonce = prefix + index.to_bytes(8, "big")
            pieces.append(aead.decrypt(nonce, sealed, _aad(sha256, index, index == total - 1)))
    data = b"".join(pieces)
    check(hashlib.sha256(data).hexdigest() == sha256, "the separate file read back differs")
    return data


# ------------------------------------------------------------------ the casebook
def casebook(profile: Path) -> tuple[Casebook, str]:
    book, _ = Casebook.create(profile, PASSPHRASE, author="bench", kdf=FAST_KDF_FOR_TESTS)
    person = YoungPerson(id=new_id(), reference="BENCH-0001", name="Bench Person",
                         date_of_birth=date(2010, 1, 1))
    case = Case(id=new_id(), young_person_id=person.id, key_worker="bench",
                opened_on=date(2026, 1, 5))
    book.save(person)
    book.save(case)
    return book, case.id


def file_bytes(book: Casebook) -> int:
    """The casebook file's size with its WAL moved into it (the WAL emptied)."""
    with book.sync_reader() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return (book.profile / DB_NAME).stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=25_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    mb = args.size / 1_000_000
    figures = Figures(f"attachment store, a {mb:g} MB file, {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        profile = root / "profile"
        book, case_id = casebook(profile)
        book.set_attachment_limit(max(args.size, book.attachment_limit()))
        data_key = KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)
        key = file_key(data_key)
        files = root / "attachments"
        files.mkdir(mode=0o700)
        outside = root / "outside"
        outside.mkdir()
        for run in range(args.runs):
            print(f"--- run {run + 1} of {args.runs}", flush=True)
            source = outside / f"random-{run}.bin"
            source.write_bytes(os.urandom(args.size))
            expected = hashlib.sha256(source.read_bytes()).hexdigest()

            before = file_bytes(book)
            t0 = time.perf_counter()
            record = book.attach(source, case_id=case_id, title=f"Bench file {run}",
                                 document_date=date(2026, 3, 6))
            write_s = time.perf_counter() - t0
            wal = (profile / f"{DB_NAME}-wal").stat().st_size
            with book.sync_reader() as db:
                chunks = db.execute("SELECT count(*) FROM attachment_chunks WHERE sha256 = ?",
                                    (record.sha256,)).fetchone()[0]
            check(record.sha256 == expected and chunks == chunk_count(args.size),
                  "the casebook did not store the file in its chunks")
            grown = file_bytes(book) - before
            book.close()
            book = Casebook.open(profile, PASSPHRASE, author="bench")
            t0 = time.perf_counter()
            back = book.attachment_bytes(record.sha256)
            read_s = time.perf_counter() - t0
            check(hashlib.sha256(back).hexdigest() == expected, "the casebook read back differs")
            del back

            t0 = time.perf_counter()
            sha256, path = write_separate(source, files, key)
            alt_write_s = time.perf_counter() - t0
            check(sha256 == expected, "the separate file hashed differently")
            t0 = time.perf_counter()
            read_separate(path, sha256, args.size, key)
            alt_read_s = time.perf_counter() - t0

            figures.add("casebook: write (attach, fsync)", write_s, "s", fmt="{:.2f}")
            figures.add("separate file: write (AES-GCM, fsync)", alt_write_s, "s", fmt="{:.2f}")
            figures.add("casebook: read back (cold page cache)", read_s, "s", fmt="{:.2f}")
            figures.add("separate file: read back", alt_read_s, "s", fmt="{:.2f}")
            figures.add("casebook: write MB/s", mb / write_s, "MB/s")
            figures.add("separate file: write MB/s", mb / alt_write_s, "MB/s")
            figures.add("casebook: read MB/s", mb / read_s, "MB/s")
            figures.add("separate file: read MB/s", mb / alt_read_s, "MB/s")
            figures.add("casebook: disk bytes per file byte", grown / args.size, "x",
                        fmt="{:.3f}")
            figures.add("separate file: disk bytes per file byte",
                        path.stat().st_size / args.size, "x", fmt="{:.3f}")
            figures.add("casebook: WAL after the write (until checkpoint)", wal / 1e6, "MB",
                        fmt="{:.1f}")
            source.unlink()
        book.close()
        figures.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
