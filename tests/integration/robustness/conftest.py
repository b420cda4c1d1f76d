"""The robustness tests run against a real hub on both databases, exactly as the device-sync
tests do: the same fixtures (one PostgreSQL server per session, a fresh database per test)."""

from tests.integration.sync.conftest import database_url, hub, postgres

__all__ = ["database_url", "hub", "postgres"]
