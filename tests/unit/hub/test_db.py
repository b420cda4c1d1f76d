"""The embedded hub database: key file handling and refusal to open with the wrong key."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from spokeapp.hub.db import (
    HubDatabaseError,
    create_key_file,
    key_path,
    make_engine,
    read_key,
)


def test_key_file_is_private_and_never_replaced(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    created = create_key_file(db)
    assert created == tmp_path / "hub.key"
    assert created.stat().st_mode & 0o777 == 0o600
    with pytest.raises(HubDatabaseError, match="refusing to replace"):
        create_key_file(db)


def test_damaged_or_missing_key_file_says_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    with pytest.raises(HubDatabaseError, match="spoke-hub init"):
        read_key(db)
    key_path(db).write_text("not hex")
    with pytest.raises(HubDatabaseError, match="damaged"):
        read_key(db)


def test_wrong_key_cannot_open_the_database(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Refused with the hub's own error, and nothing else: SQLCipher's own "ERROR CORE ...
    hmac check failed" lines used to bypass the hub's log (and its JSON form)."""
    db = tmp_path / "hub.db"
    create_key_file(db)
    engine = make_engine(f"sqlcipher:///{db}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x)"))
    engine.dispose()
    key_path(db).write_text("00" * 32)
    other = make_engine(f"sqlcipher:///{db}")
    with pytest.raises(HubDatabaseError, match="cannot be opened"):
        other.connect()
    other.dispose()
    captured = capfd.readouterr()
    assert "ERROR" not in captured.err and "hmac" not in captured.err


def test_unsupported_url_is_refused() -> None:
    with pytest.raises(HubDatabaseError, match="Unsupported"):
        make_engine("mysql://x@localhost/db")


def test_a_file_path_instead_of_a_database_url_says_how_to_write_one(tmp_path: Path) -> None:
    with pytest.raises(HubDatabaseError, match=r"sqlcipher:///PATH"):
        make_engine(str(tmp_path / "hub.db"))  # "/srv/hub.db": the admin forgot sqlcipher:///


def test_a_missing_database_beside_its_key_is_refused_and_not_made_empty(tmp_path: Path) -> None:
    """A moved or deleted hub.db, or a wrong path into the key's folder: said, nothing made
    (an empty file in its place would then answer "no schema" and hide the mistake)."""
    db = tmp_path / "hub.db"
    create_key_file(db)
    db.unlink()
    with pytest.raises(HubDatabaseError, match=r"No hub database at .*spoke-hub restore"):
        make_engine(f"sqlcipher:///{db}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hub.key"]


