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


def _new_database(request: pytest.FixtureRequest, folder: Path) -> str:
    """An empty database of the kind ``request.param`` names (SQLite files go in ``folder``)."""
    if request.param == "sqlite":
        return sqlite_url(folder)
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind the hub supports."""
    return _new_database(request, tmp_path / "hub")


@pytest.fixture
def hub(database_url: str) -> Iterator[RunningHub]:
    """A freshly initialised hub serving on a free loopback port."""
    with running_hub(database_url) as running:
        yield running


@pytest.fixture(scope="module", params=DATABASES)
def shared_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningHub]:
    """One hub per database for all examples of a property module (each example has its own
    team, so examples never see each other's records)."""
    with running_hub(_new_database(request, tmp_path_factory.mktemp("shared-hub"))) as running:
        yield running
