"""Every device-sync test runs against a real hub on both databases: the encrypted embedded
SQLite file and real PostgreSQL (one server per session, a fresh database per test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.helpers.postgres import PostgresServer
from tests.helpers.sync_world import DATABASES, shared_postgres


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> PostgresServer:
    return shared_postgres(request.config)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind the hub supports."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "hub")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def hub(database_url: str) -> Iterator[RunningHub]:
    """A freshly initialised hub serving on a free loopback port."""
    with running_hub(database_url) as running:
        yield running
