"""A throwaway real PostgreSQL server for tests (Debian binaries, data in a temp folder).

``PostgresServer.start()`` runs ``initdb`` and ``pg_ctl`` (as the ``postgres`` user when the
tests run as root, because PostgreSQL refuses to run as root), listens on a free loopback port
and on a Unix socket in the temp folder, and ``new_database()`` hands out a fresh empty
database per test as a SQLAlchemy URL. Durability is switched off: it is a test server.
If the binaries are missing, :func:`tests.conftest.require` skips locally and fails in CI.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.conftest import require

_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL bin folder with initdb and pg_ctl, if any."""
    candidates = [Path(p) for p in glob.glob(_BIN_GLOB)]
    usable = [p for p in candidates if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    if not usable:
        return None
    return max(usable, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def free_port() -> int:
    """A TCP port nobody is listening on right now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One running test server; use :func:`postgres_server` to get one that stops itself."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="spoke-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.superuser = "postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}\n{result.stderr}")

    def start(self) -> None:
        """initdb and start; returns once the server accepts connections."""
        self.socket_dir.mkdir()
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", self.superuser, "--auth=trust",
            "-E", "UTF8", "--no-sync", "--locale=C",
        )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"),
            "-w", "-t", "60", "start",
        )

    def stop(self) -> None:
        """Stop immediately and delete everything."""
        try:
            if self.data.exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL for ``database``, over the private Unix socket."""
        return (
            f"postgresql+psycopg://{self.superuser}@/{database}"
            f"?host={self.socket_dir}&port={self.port}"
        )

    def new_database(self) -> str:
        """Create a fresh, empty database and return its URL."""
        name = f"spoke_test_{secrets.token_hex(6)}"
        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=self.superuser, dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running throwaway server (skipped locally, failed in CI, if PostgreSQL is missing)."""
    bin_dir = find_bin_dir()
    require(bin_dir is not None, f"PostgreSQL server binaries not found in {_BIN_GLOB}")
    assert bin_dir is not None
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
