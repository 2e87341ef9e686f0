"""The session's verbs for a document's record: a document run (core/document_run.py) asks these,
so the session stays the only writer of records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pages import PageResult
from .records import Record, State

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


class DocumentVerbs:
    """Mixed into RecognitionSession, whose `records` and `record_changed` these use."""

    records: dict[int, Record]
    record_changed: SignalInstance

    def begin_document(self, record_id: int, pages: list[PageResult]) -> None:
        """The record is a document; `pages` (the run's list) holds its answered pages as they come."""
        self.records[record_id].pages = pages

    def document_page(self, record_id: int, number: int) -> None:
        """The document's page under way (its answer streams below the finished ones)."""
        if record_id in self.records:
            self.records[record_id].page = number

    def document_page_done(self, record_id: int) -> None:
        """A page joined the document's answered pages: show it."""
        if record_id in self.records:
            self.record_changed.emit(record_id)

    def end_document(self, record_id: int, unreadable: str) -> None:
        """The run ended; a document none of whose pages could be read fails with `unreadable`."""
        record = self.records.get(record_id)
        if record is None:
            return
        record.page = None
        if record.state is State.OPENING:  # no page was rendered: nothing was recognised
            record.state, record.error = State.FAILED, unreadable
        self.record_changed.emit(record_id)
