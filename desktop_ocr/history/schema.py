"""The database schema as a list of migrations; `PRAGMA user_version` is how many have run."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

_V1 = """
CREATE TABLE records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a deleted ID never names another record
    created REAL NOT NULL,                 -- Unix time, UTC
    updated REAL NOT NULL,
    source TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT '',
    prompt TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    backend TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    dtype TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    preview TEXT NOT NULL DEFAULT ''       -- first line of the latest answer, for lists
);
CREATE INDEX records_created ON records(created);
CREATE TABLE pages (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    image TEXT,                            -- file name under images/, NULL when none
    thumbnail BLOB,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    edited TEXT,                           -- the user's text, NULL when not edited
    PRIMARY KEY (record_id, number)
);
CREATE TABLE turns (
    record_id INTEGER NOT NULL,
    page INTEGER NOT NULL,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    stats TEXT NOT NULL DEFAULT '{}',      -- JSON
    probabilities TEXT NOT NULL DEFAULT '[]',  -- JSON, per-token data
    PRIMARY KEY (record_id, page, position),
    FOREIGN KEY (record_id, page) REFERENCES pages(record_id, number) ON DELETE CASCADE
);
"""

# v2: full-text search. The index is kept by the store in the same transaction as each change
# (its text comes from several tables, which triggers could not aggregate cleanly).
_V2 = """
CREATE VIRTUAL TABLE search USING fts5(
    name, questions, answers, edited,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
"""

# v3: documents. pages.document_page: a page's 1-based number in its document (a PDF's page 7 may
# be the record's page 0), NULL for an image. records.edited: the user's edit of a whole document
# (its pages joined), which belongs to no one page; NULL when not edited. (No SQL comments here:
# ALTER TABLE ADD COLUMN copies the column's text into the stored CREATE TABLE.)
_V3 = """
ALTER TABLE pages ADD COLUMN document_page INTEGER;
ALTER TABLE records ADD COLUMN edited TEXT
"""

# v4: images whose records the user deleted, until their files are gone. Only these are ever
# swept: an image no record names is kept, since its record may have been lost to damage.
_V4 = """
CREATE TABLE deleted_images (name TEXT PRIMARY KEY)
"""


def _script(db: sqlite3.Connection, script: str) -> None:
    """Run statements inside the caller's transaction (executescript would commit it first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _reindex_all(db: sqlite3.Connection) -> None:
    """Rebuild every search row. Only the last migration may call it: it reads today's columns."""
    from .index import reindex

    for (record_id,) in db.execute("SELECT id FROM records").fetchall():
        reindex(db, record_id)


# v5: QR codes and barcodes found beside the answer. pages.codes: JSON, a list of {"format",
# "text", "position"}. The search index gets a codes column: FTS5 tables take no ADD COLUMN, so
# it is made anew (same options) and filled from the records.
_V5 = """
ALTER TABLE pages ADD COLUMN codes TEXT NOT NULL DEFAULT '[]';
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(
    name, questions, answers, edited, codes,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
)
"""


def _v5(db: sqlite3.Connection) -> None:
    _script(db, _V5)
    _reindex_all(db)  # also fills the index of a v2, v3 or v4 database (a v1 database had none)


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [
    lambda db: _script(db, _V1),
    lambda db: _script(db, _V2),
    # v3 once rebuilt the index here; v5 rebuilds it now (for its new column), so v3 need not.
    lambda db: _script(db, _V3),
    lambda db: _script(db, _V4),
    _v5,
]
VERSION = len(MIGRATIONS)


class NewerSchemaError(Exception):
    """The database was written by a newer desktop-ocr."""


def migrate(db: sqlite3.Connection, target: int = VERSION) -> int:
    """Run the missing migrations, each in its own transaction with its version; returns the old version."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > VERSION:
        raise NewerSchemaError(f"schema {current}, this version knows up to {VERSION}")
    for version in range(current, target):
        db.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return current
