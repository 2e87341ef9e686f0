"""Reading the history store: records, lists, searches and images (HistoryStore inherits these)."""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..codes import Code, codes_from_json
from .files import ImageFiles, ImageMemory
from .records import Page, Record, Source, State, Summary, Turn, utc
from .search import ELLIPSIS, MATCH_END, MATCH_START, fts_query

SNIPPET_TOKENS = 12


class HistoryError(Exception):
    """A history operation failed; the message is one line for the user."""


class StoreReading:
    """The store's reads; its connection, images and lock are the HistoryStore's."""

    _db: sqlite3.Connection
    _images: ImageFiles | ImageMemory
    _lock: threading.RLock

    # -- reading -------------------------------------------------------------------------------

    def get(self, record_id: int) -> Record | None:
        with self._guard():
            row = self._db.execute(
                "SELECT id, created, updated, source, name, mode, prompt, model, backend, device, dtype,"
                " state, error, edited FROM records WHERE id = ?",
                (record_id,),
            ).fetchone()
            if row is None:
                return None
            turns: dict[int, list[Turn]] = {}
            for page, question, answer, stats, probabilities in self._db.execute(
                "SELECT page, question, answer, stats, probabilities FROM turns WHERE record_id = ?"
                " ORDER BY page, position",
                (record_id,),
            ):
                turns.setdefault(page, []).append(
                    Turn(question, answer, json.loads(stats), json.loads(probabilities))
                )
            pages = tuple(
                Page(
                    number,
                    width,
                    height,
                    tuple(turns.get(number, ())),
                    edited,
                    document_page,
                    stored_codes(codes),
                )
                for number, width, height, edited, document_page, codes in self._db.execute(
                    "SELECT number, width, height, edited, document_page, codes FROM pages"
                    " WHERE record_id = ? ORDER BY number",
                    (record_id,),
                )
            )
        (id_, created, updated, source, name, mode, prompt, model, backend, device, dtype, state, error,
         edited) = row  # fmt: skip
        return Record(
            id_, utc(created), utc(updated), Source(source), name, mode, prompt, model, backend, device,
            dtype, State(state), error, pages, edited,
        )  # fmt: skip

    def list(self, limit: int | None = 100, offset: int = 0) -> list[Summary]:
        """Records newest first; `limit=None` for all (page through 10,000 with limit/offset)."""
        with self._guard():
            rows = self._db.execute(
                f"SELECT {_SUMMARY}, '' FROM records r ORDER BY r.id DESC LIMIT ? OFFSET ?",
                (_limit(limit), offset),
            ).fetchall()
        return [_summary(row) for row in rows]

    def search(self, query: str, limit: int | None = 100, offset: int = 0) -> builtins.list[Summary]:
        """Records whose answers, edits, questions, codes or file name hold every typed word as a prefix,
        newest first, each with a snippet (matches between MATCH_START and MATCH_END).
        An empty query lists everything."""
        match = fts_query(query)
        if not match:
            return self.list(limit, offset)
        with self._guard():
            rows = self._db.execute(
                f"SELECT {_SUMMARY}, m.snip FROM (SELECT rowid AS rid,"
                " snippet(search, -1, ?, ?, ?, ?) AS snip"
                " FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?) m"
                " JOIN records r ON r.id = m.rid ORDER BY r.id DESC",
                (MATCH_START, MATCH_END, ELLIPSIS, SNIPPET_TOKENS, match, _limit(limit), offset),
            ).fetchall()
        return [_summary(row) for row in rows]

    def count(self, query: str = "") -> int:
        """How many records there are, or match `query`."""
        match = fts_query(query)
        with self._guard():
            if not match:
                return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])
            found = self._db.execute("SELECT count(*) FROM search WHERE search MATCH ?", (match,))
            return int(found.fetchone()[0])

    def image(self, record_id: int, page: int = 0) -> bytes | None:
        """The page's full image as PNG bytes, read from disk now (None if there is none)."""
        name = self._image_name(record_id, page)
        return self._images.read(name) if name else None

    def image_path(self, record_id: int, page: int = 0) -> Path | None:
        """The page's PNG file (to open its folder); None in memory or when there is none."""
        name = self._image_name(record_id, page)
        return self._images.path(name) if name else None

    def thumbnail(self, record_id: int, page: int = 0) -> bytes | None:
        """The page's thumbnail as PNG bytes (96 px high)."""
        with self._guard():
            row = self._db.execute(
                "SELECT thumbnail FROM pages WHERE record_id = ? AND number = ?", (record_id, page)
            ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    @contextmanager
    def _guard(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as error:
                raise HistoryError(f"history database: {error}") from error

    def _image_name(self, record_id: int, page: int) -> str | None:
        with self._guard():
            row = self._db.execute(
                "SELECT image FROM pages WHERE record_id = ? AND number = ?", (record_id, page)
            ).fetchone()
        return row[0] if row else None


_SUMMARY = (
    "r.id, r.created, r.source, r.name, r.state, r.preview,"
    " (SELECT count(*) FROM pages p WHERE p.record_id = r.id)"
)


def _summary(row: tuple) -> Summary:
    record_id, created, source, name, state, preview, pages, snip = row
    return Summary(record_id, utc(created), Source(source), name, State(state), preview, pages, snip)


def stored_codes(stored: str) -> tuple[Code, ...]:
    """A page's codes; a damaged entry reads as none rather than hiding the whole record."""
    try:
        return codes_from_json(json.loads(stored))
    except (ValueError, TypeError, KeyError):
        return ()


def _limit(limit: int | None) -> int:
    return -1 if limit is None else limit
