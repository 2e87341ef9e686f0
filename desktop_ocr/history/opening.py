"""Opening the history: the right folder, a usable database, and a bad one set aside (never deleted)."""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from .files import ImageFiles
from .paths import ASIDE_DIR, DB_NAME, IMAGES_DIR, data_dir, private_dir, touch_private
from .schema import VERSION, NewerSchemaError, migrate
from .store import HistoryStore, Retention
from .wal import wal_damage

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
    read_only = read_only_reason(folder)
    if read_only:
        return HistoryStore.in_memory(
            retention, f"History is not kept this session: {folder} is read-only ({read_only})"
        )
    warning = ""
    try:
        # Before SQLite opens it: SQLite would silently drop the committed frames after a bad one.
        damage = wal_damage(path.with_name(DB_NAME + "-wal"))
        if damage:
            raise DamagedLogError(damage)
        db = connect(path, timeout)
    except NewerSchemaError as error:
        # Not ours to set aside: a newer desktop-ocr can still read it.
        return HistoryStore.in_memory(
            retention, f"History is not kept this session: {path} is from a newer desktop-ocr ({error})"
        )
    except (sqlite3.Error, OSError, DamagedLogError) as error:
        if isinstance(error, DamagedLogError):
            reason, what = "damaged", "history's write-ahead log"
        else:
            reason = "locked" if "locked" in str(error) or "busy" in str(error) else "unreadable"
            what = "history database"
        try:
            aside = set_aside(folder, reason)
            images = ImageFiles(private_dir(folder / IMAGES_DIR))
            db = connect(path, timeout)
        except (sqlite3.Error, OSError) as second:
            return HistoryStore.in_memory(
                retention,
                f"History is not kept this session: {path} is {reason}"
                f" ({one_line(error)}; {one_line(second)})",
            )
        warning = (
            f"The {what} was {reason} ({one_line(error)}): it was moved to {aside} "
            "and a new, empty history started"
        )
    store = HistoryStore(db, images, folder, retention, warning)
    store.sweep_deleted_images()
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
            raise sqlite3.DatabaseError(f"database disk image is malformed: {one_line(check)}")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        db.close()
        raise
    return db


class DamagedLogError(Exception):
    """The write-ahead log lost committed transactions (see wal.py)."""


def one_line(error: object, limit: int = 160) -> str:
    """A message on one line, cut: SQLite's check reports run to dozens of lines."""
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_only_reason(folder: Path) -> str:
    """Why nothing can be written in `folder` (read-only media or folder), or ''."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return ""
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return error.strerror or str(error)
        return ""


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
