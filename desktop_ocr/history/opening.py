"""Opening the history: the right folder, a usable database, and a bad one set aside (never deleted)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from .files import ImageFiles
from .paths import ASIDE_DIR, DB_NAME, IMAGES_DIR, data_dir, private_dir, touch_private
from .schema import VERSION, NewerSchemaError, migrate
from .store import HistoryStore, Retention

OPEN_TIMEOUT_S = 2.0  # a lock held longer than this at start-up is treated as stuck
BUSY_TIMEOUT_MS = 5000  # later writes wait this long for another process (e.g. `--cli --record`)


def open_history(
    keep: bool = True, location: str = "", days: int = 0, records: int = 0, timeout: float = OPEN_TIMEOUT_S
) -> HistoryStore:
    """The store the settings ask for: on disk when `keep`, else in memory (nothing written).

    Never raises for a bad database: see HistoryStore.warning for the one line to show.
    """
    retention = Retention(days, records)
    if not keep:
        return HistoryStore.in_memory(retention)
    return open_folder(data_dir(location), retention, timeout, ours=not location.strip())


def open_folder(
    folder: Path, retention: Retention | None = None, timeout: float = OPEN_TIMEOUT_S, ours: bool = True
) -> HistoryStore:
    """The history in `folder`: a bad database is set aside and a new one started (see .warning).

    `ours`: the folder is the app's own (its mode is set to 0700), not one the user chose.
    """
    retention = retention or Retention()
    try:
        private_dir(folder, ours)
        images = ImageFiles(private_dir(folder / IMAGES_DIR))
    except OSError as error:
        return HistoryStore.in_memory(
            retention, f"History is not kept this session: cannot use {folder} ({error.strerror or error})"
        )
    path = folder / DB_NAME
    warning = ""
    try:
        db = connect(path, timeout)
    except NewerSchemaError as error:
        # Not ours to set aside: a newer desktop-ocr can still read it.
        return HistoryStore.in_memory(
            retention, f"History is not kept this session: {path} is from a newer desktop-ocr ({error})"
        )
    except (sqlite3.Error, OSError) as error:
        reason = "locked" if "locked" in str(error) or "busy" in str(error) else "unreadable"
        try:
            aside = set_aside(folder, reason)
            images = ImageFiles(private_dir(folder / IMAGES_DIR))
            db = connect(path, timeout)
        except (sqlite3.Error, OSError) as second:
            return HistoryStore.in_memory(
                retention, f"History is not kept this session: {path} is {reason} ({error}; {second})"
            )
        warning = (
            f"The history database was {reason} ({error}): it was moved to {aside} "
            "and a new, empty history started"
        )
    store = HistoryStore(db, images, folder, retention, warning)
    referenced = {row[0] for row in db.execute("SELECT image FROM pages WHERE image IS NOT NULL")}
    images.sweep(referenced)
    store.apply_retention()
    return store


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """Open, check and migrate the database; raises sqlite3.Error when it is corrupt or locked."""
    touch_private(path)
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        # Before changing anything: a newer desktop-ocr's database is left exactly as it is.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise NewerSchemaError(f"schema {version}, this version knows up to {VERSION}")
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise sqlite3.OperationalError("cannot switch to WAL (database is locked)")
        # FULL: each commit is synced, so a recorded answer survives kill -9 and power loss alike.
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = ON")  # deleted screens' text is zeroed, not left in free pages
        migrate(db)
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        db.close()
        raise
    return db


def set_aside(folder: Path, reason: str) -> Path:
    """Move the database, its -wal/-shm and its images into set-aside/<time>-<reason>/."""
    aside = private_dir(folder / ASIDE_DIR) / f"{time.strftime('%Y%m%d-%H%M%S')}-{reason}"
    suffix = 1
    while aside.exists():
        suffix += 1
        aside = aside.with_name(f"{aside.name.split('~')[0]}~{suffix}")
    private_dir(aside)
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", IMAGES_DIR):
        source = folder / name
        if source.exists():
            os.replace(source, aside / name)
    return aside
