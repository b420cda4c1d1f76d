"""Alembic migrations of the hub schema, run programmatically by ``spoke-hub migrate``."""
