"""Migrations: an older database is brought up to date, its records kept and made searchable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_ocr.history import open_folder
from desktop_ocr.history.schema import MIGRATIONS, VERSION, migrate


def test_a_version_1_database_is_migrated_and_its_records_become_searchable(folder: Path) -> None:
    folder.mkdir()
    db = sqlite3.connect(folder / "history.sqlite3", isolation_level=None)
    migrate(db, target=1)  # the first schema: no search index yet
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.execute(
        "INSERT INTO records (created, updated, source, name, mode, state, preview)"
        " VALUES (1700000000, 1700000000, 'file', '/old/receipt.png', 'text', 'done', 'Old receipt')"
    )
    db.execute("INSERT INTO pages (record_id, number, width, height) VALUES (1, 0, 10, 10)")
    db.execute(
        "INSERT INTO turns (record_id, page, position, question, answer)"
        " VALUES (1, 0, 0, 'q', 'Old receipt 99')"
    )
    db.close()

    store = open_folder(folder)
    assert store.warning == ""
    check = sqlite3.connect(folder / "history.sqlite3")
    assert check.execute("PRAGMA user_version").fetchone()[0] == VERSION == len(MIGRATIONS)
    assert [s.id for s in store.search("recei")] == [1]
    assert [s.id for s in store.search("old receipt 99")] == [1]
    got = store.get(1)
    assert got is not None and got.text == "Old receipt 99" and got.name == "/old/receipt.png"


def test_a_failing_migration_leaves_the_old_version(folder: Path) -> None:
    folder.mkdir()
    db = sqlite3.connect(folder / "history.sqlite3", isolation_level=None)
    migrate(db, target=1)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk full")

    original = MIGRATIONS[1]
    MIGRATIONS[1] = broken
    try:
        with pytest.raises(sqlite3.OperationalError, match="disk full"):
            migrate(db)
    finally:
        MIGRATIONS[1] = original
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0


def test_a_database_from_a_newer_version_is_left_alone(folder: Path) -> None:
    folder.mkdir()
    path = folder / "history.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    before = path.read_bytes()
    store = open_folder(folder)
    assert "newer desktop-ocr" in store.warning
    assert not store.on_disk
    assert path.read_bytes() == before
    assert not (folder / "set-aside").exists()
