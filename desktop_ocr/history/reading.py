"""Opening the history only to list and show it, changing nothing there.

Works where the window's writable open cannot: on read-only media, in a read-only folder, and
while another program holds the database locked. Nothing is set aside, swept or migrated in
place; when SQLite cannot read the files where they are, a snapshot copy of them is read.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from .files import ImageFiles
from .opening import OPEN_TIMEOUT_S, one_line
from .paths import DB_NAME, IMAGES_DIR
from .schema import VERSION, NewerSchemaError, migrate
from .store import HistoryError, HistoryStore, Retention
from .wal import wal_damage


class _SnapshotStore(HistoryStore):
    """A store over a private copy of the database, removed on close."""

    snapshot: Path

    def close(self) -> None:
        super().close()
        shutil.rmtree(self.snapshot, ignore_errors=True)


def open_for_reading(folder: Path, timeout: float = OPEN_TIMEOUT_S) -> HistoryStore:
    """The history in `folder`, read-only; raises HistoryError (one line) when it cannot be read.

    `.warning` says when the write-ahead log is damaged: what is listed is what SQLite still reads.
    """
    path = folder / DB_NAME
    if not path.exists():
        return HistoryStore.in_memory()
    damage = wal_damage(path.with_name(DB_NAME + "-wal"))
    warning = (
        f"the history's write-ahead log is damaged ({damage}): only what is still readable is listed"
        if damage
        else ""
    )
    images = ImageFiles(folder / IMAGES_DIR)
    try:
        return HistoryStore(_open_in_place(path, timeout), images, None, Retention(), warning)
    except NewerSchemaError as error:
        raise HistoryError(f"history: {path} is from a newer desktop-ocr ({error})") from None
    except (sqlite3.Error, OSError):
        pass  # read-only media without the log's index, a lock held, an older schema: read a copy
    snapshot = Path(tempfile.mkdtemp(prefix="desktop-ocr-history-"))
    try:
        db = _open_copy(path, snapshot / DB_NAME, timeout)
    except NewerSchemaError as error:
        shutil.rmtree(snapshot, ignore_errors=True)
        raise HistoryError(f"history: {path} is from a newer desktop-ocr ({error})") from None
    except (sqlite3.Error, OSError) as error:
        shutil.rmtree(snapshot, ignore_errors=True)
        raise HistoryError(f"history: cannot read {path} ({one_line(error)})") from None
    store = _SnapshotStore(db, images, None, Retention(), warning)
    store.snapshot = snapshot
    return store


def _open_in_place(path: Path, timeout: float) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise NewerSchemaError(f"schema {version}, this version knows up to {VERSION}")
        if version < VERSION:
            raise sqlite3.OperationalError("an older schema: read through a migrated copy")
        db.execute("SELECT count(*) FROM records").fetchone()  # takes the read lock now
    except BaseException:
        db.close()
        raise
    return db


def _open_copy(path: Path, copy: Path, timeout: float) -> sqlite3.Connection:
    """Copy the database and its log (not its index, which SQLite rebuilds), then open the copy."""
    for suffix in ("", "-wal"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy.with_name(copy.name + suffix))
    db = sqlite3.connect(copy, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        migrate(db)
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
    except BaseException:
        db.close()
        raise
    return db
