"""Every hub test runs twice: on the encrypted embedded SQLite file and on real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.helpers.postgres import PostgresServer, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole run (a fresh database per test)."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind the hub supports."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def hub(database_url: str) -> Iterator[RunningHub]:
    """A freshly initialised hub serving on a free loopback port."""
    with running_hub(database_url) as running:
        yield running
