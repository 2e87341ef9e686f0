"""HistoryStore: every recorded answer in SQLite (WAL, FTS5), images beside it. No Qt.

All methods are thread-safe (one connection behind a lock); sqlite errors become HistoryError.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..codes import Code, codes_json
from .files import ImageFiles, ImageMemory
from .images import PageImage
from .index import reindex
from .preview import preview
from .queries import HistoryError, StoreReading, stored_codes
from .records import NewRecord, Source, State, Turn


@dataclass(frozen=True)
class Retention:
    """Keep records this many days and at most this many records; 0 means no limit."""

    days: int = 0
    records: int = 0


class HistoryStore(StoreReading):
    """Use open_history() (or HistoryStore.in_memory()) to get one."""

    def __init__(
        self,
        db: sqlite3.Connection,
        images: ImageFiles | ImageMemory,
        folder: Path | None,
        retention: Retention = Retention(),
        warning: str = "",
    ) -> None:
        self._db = db
        self._images = images
        self._lock = threading.RLock()
        self._batch = 0
        self.folder = folder  # None when nothing is written to disk
        self.retention = retention
        self.warning = warning  # set when the database had to be set aside: show it once

    @classmethod
    def in_memory(cls, retention: Retention = Retention(), warning: str = "") -> HistoryStore:
        """Same API, nothing on disk: for "keep history" off, or when no database can be opened."""
        from .schema import migrate

        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        migrate(db)
        return cls(db, ImageMemory(), None, retention, warning)

    @property
    def on_disk(self) -> bool:
        return self.folder is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing -------------------------------------------------------------------------------

    def add(self, record: NewRecord) -> int:
        """Record a finished (stopped, failed) answer at once; returns its ID once committed."""
        encoded = [
            page.image
            if page.image is None or isinstance(page.image, PageImage)
            else PageImage.encode(page.image)
            for page in record.pages
        ]
        written: list[str] = []
        try:
            with self._write() as db:
                now = time.time()
                record_id = db.execute(
                    "INSERT INTO records (created, updated, source, name, mode, prompt, model, backend,"
                    " device, dtype, state, error, edited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        now if record.created is None else record.created,
                        now,
                        Source(record.source).value,
                        record.name,
                        record.mode,
                        record.prompt,
                        record.model,
                        record.backend,
                        record.device,
                        record.dtype,
                        State(record.state).value,
                        record.error,
                        record.edited,
                    ),
                ).lastrowid
                assert record_id is not None
                for number, (page, image) in enumerate(zip(record.pages, encoded, strict=True)):
                    name = None
                    if image is not None:
                        # A random part keeps files of a set-aside database apart from new ones.
                        name = f"{record_id}-{number}-{os.urandom(4).hex()}.png"
                        self._images.write(name, image.png)
                        written.append(name)
                    db.execute(
                        "INSERT INTO pages (record_id, number, image, thumbnail, width, height, edited,"
                        " document_page, codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            record_id,
                            number,
                            name,
                            image.thumbnail if image else None,
                            image.width if image else 0,
                            image.height if image else 0,
                            page.edited,
                            page.document_page,
                            json.dumps(codes_json(page.codes), ensure_ascii=False),
                        ),
                    )
                    for turn in page.turns:
                        self._insert_turn(db, record_id, number, turn)
                self._refresh(db, record_id, now)
        except BaseException:
            for name in written:
                self._images.delete(name)
            raise
        self.apply_retention()
        return record_id

    def add_turn(
        self, record_id: int, turn: Turn, page: int = 0, state: State = State.DONE, error: str = ""
    ) -> None:
        """A follow-up answered (or stopped, or failed): append it and set the record's state."""
        with self._write() as db:
            self._require(db, record_id, page)
            self._insert_turn(db, record_id, page, turn)
            db.execute(
                "UPDATE records SET state = ?, error = ? WHERE id = ?", (State(state).value, error, record_id)
            )
            self._refresh(db, record_id)

    def set_edited(self, record_id: int, text: str | None, page: int = 0) -> None:
        """The user's own text for a page; None goes back to the model's answer."""
        with self._write() as db:
            self._require(db, record_id, page)
            db.execute(
                "UPDATE pages SET edited = ? WHERE record_id = ? AND number = ?", (text, record_id, page)
            )
            self._refresh(db, record_id)

    def set_document_edited(self, record_id: int, text: str | None) -> None:
        """The user's own text for a whole document (its pages joined); None goes back to the pages."""
        with self._write() as db:
            self._require(db, record_id)
            db.execute("UPDATE records SET edited = ? WHERE id = ?", (text, record_id))
            self._refresh(db, record_id)

    def set_codes(self, record_id: int, codes: Sequence[Code], page: int = 0) -> None:
        """The codes found in a page's image (read beside its answer, which may be written first)."""
        with self._write() as db:
            self._require(db, record_id, page)
            db.execute(
                "UPDATE pages SET codes = ? WHERE record_id = ? AND number = ?",
                (json.dumps(codes_json(codes), ensure_ascii=False), record_id, page),
            )
            self._refresh(db, record_id)

    def set_state(self, record_id: int, state: State, error: str = "") -> None:
        with self._write() as db:
            self._require(db, record_id)
            db.execute(
                "UPDATE records SET state = ?, error = ? WHERE id = ?", (State(state).value, error, record_id)
            )
            self._refresh(db, record_id)

    def delete(self, record_id: int) -> bool:
        """Delete a record and its images; False when there was none."""
        return self._delete_ids([record_id]) == 1

    def clear(self) -> int:
        """Delete every record and image; returns how many records went."""
        with self._guard():
            ids = [row[0] for row in self._db.execute("SELECT id FROM records")]
        deleted = self._delete_ids(ids)
        with self._guard():
            referenced = {r[0] for r in self._db.execute("SELECT image FROM pages WHERE image IS NOT NULL")}
        # The user asked for everything to go: images no record names go too (a crash's leftovers).
        for name in self._images.unreferenced(referenced):
            self._images.delete(name)
        with self._guard():
            # Deleted words stay in the index's old segments until merged; then rewrite the file.
            self._db.execute("INSERT INTO search(search) VALUES ('optimize')")
            self._db.execute("VACUUM")
            if self.on_disk:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def sweep_deleted_images(self) -> int:
        """Delete the files of records deleted before a crash could unlink them; returns how many."""
        with self._guard():
            names = [row[0] for row in self._db.execute("SELECT name FROM deleted_images")]
        removed = self._images.sweep(names)
        if names:
            self.forget_deleted_images(names)
        return removed

    def forget_deleted_images(self, names: Sequence[str]) -> None:
        with self._write() as db:
            db.executemany("DELETE FROM deleted_images WHERE name = ?", [(n,) for n in names])

    def set_retention(self, retention: Retention) -> int:
        """New limits, applied now; returns how many records they removed."""
        self.retention = retention
        return self.apply_retention()

    def apply_retention(self) -> int:
        days, keep = self.retention.days, self.retention.records
        if days <= 0 and keep <= 0:
            return 0
        with self._guard():
            ids: set[int] = set()
            if days > 0:
                cutoff = time.time() - days * 86400
                old = self._db.execute("SELECT id FROM records WHERE created < ?", (cutoff,))
                ids.update(r[0] for r in old)
            if keep > 0:
                ids.update(
                    r[0]
                    for r in self._db.execute(
                        "SELECT id FROM records ORDER BY id DESC LIMIT -1 OFFSET ?", (keep,)
                    )
                )
        return self._delete_ids(sorted(ids)) if ids else 0

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several changes in one transaction (imports, benchmarks): one sync instead of one each."""
        with self._write():
            self._batch += 1
            try:
                yield
            finally:
                self._batch -= 1

    # -- internals -----------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, or a part of the batch() in progress."""
        with self._guard():
            if self._batch:
                yield self._db
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @staticmethod
    def _require(db: sqlite3.Connection, record_id: int, page: int | None = None) -> None:
        if page is None:
            found = db.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone()
        else:
            found = db.execute(
                "SELECT 1 FROM pages WHERE record_id = ? AND number = ?", (record_id, page)
            ).fetchone()
        if not found:
            what = f"record {record_id}" + (f" page {page}" if page else "")
            raise HistoryError(f"history: no {what}")

    @staticmethod
    def _insert_turn(db: sqlite3.Connection, record_id: int, page: int, turn: Turn) -> None:
        db.execute(
            "INSERT INTO turns (record_id, page, position, question, answer, stats, probabilities)"
            " VALUES (?, ?, (SELECT count(*) FROM turns WHERE record_id = ? AND page = ?), ?, ?, ?, ?)",
            (
                record_id,
                page,
                record_id,
                page,
                turn.question,
                turn.answer,
                json.dumps(turn.stats),
                json.dumps(turn.probabilities),
            ),
        )

    def _refresh(self, db: sqlite3.Connection, record_id: int, now: float | None = None) -> None:
        """Update the record's preview line, time of change and search row."""
        texts = []
        (edited,) = db.execute("SELECT edited FROM records WHERE id = ?", (record_id,)).fetchone()
        if edited is not None:
            texts.append(edited)  # a document's own edit: its first line is the preview
        numbers = db.execute("SELECT number FROM pages WHERE record_id = ? ORDER BY number", (record_id,))
        for (number,) in numbers.fetchall():
            row = db.execute(
                "SELECT coalesce(p.edited, (SELECT answer FROM turns t WHERE t.record_id = p.record_id"
                " AND t.page = p.number ORDER BY position DESC LIMIT 1), ''), p.codes FROM pages p"
                " WHERE p.record_id = ? AND p.number = ?",
                (record_id, number),
            ).fetchone()
            # A page read for codes only (no answer) is listed by its codes' texts.
            texts.append(row[0] or "\n".join(code.text for code in stored_codes(row[1])))
        db.execute(
            "UPDATE records SET preview = ?, updated = ? WHERE id = ?",
            (preview("\n".join(texts)), now or time.time(), record_id),
        )
        reindex(db, record_id)

    def _delete_ids(self, ids: Sequence[int]) -> int:
        deleted = 0
        names: list[str] = []
        with self._write() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                names += [
                    r[0]
                    for r in db.execute(
                        f"SELECT image FROM pages WHERE image IS NOT NULL AND record_id IN ({marks})", chunk
                    )
                ]
                db.execute(f"DELETE FROM search WHERE rowid IN ({marks})", chunk)
                db.execute(f"DELETE FROM turns WHERE record_id IN ({marks})", chunk)
                db.execute(f"DELETE FROM pages WHERE record_id IN ({marks})", chunk)
                deleted += db.execute(f"DELETE FROM records WHERE id IN ({marks})", chunk).rowcount
            # Noted in the same commit: the next open deletes these files if a crash comes first.
            db.executemany("INSERT OR IGNORE INTO deleted_images (name) VALUES (?)", [(n,) for n in names])
        for name in names:
            self._images.delete(name)
        if names:
            self.forget_deleted_images(names)
        if deleted and self.on_disk and not self._batch:
            with self._guard():
                # Deleted text must not linger in the write-ahead log (secure_delete zeroes the pages).
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted
