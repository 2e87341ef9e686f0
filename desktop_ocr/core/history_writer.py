"""The window's half of the history: the session's answers written to the store as they end.

`HistorySync` writes what the app hands it (ui/application.py, when an answer ends) on one
writer thread, in order:
- a finished, stopped or failed first answer → `store.add` (a new record);
- a follow-up's answer → `store.add_turn`; the user's edit → `store.set_edited` (debounced).
The store is opened on that thread too, so a slow or locked database never blocks the window.
A document (ui/document_run.py, followed with `follow`) is ONE record: its pages are encoded as
they end and written together when the run ends; an edit of its whole text is the record's.
The images are kept by `DiskImageKeeper` (disk_images.py).

Recognize again on a recorded image makes a NEW record (the old answer, and any edit of it, is
kept as it was: nothing the user made is lost); its image is the old record's PNG, not re-encoded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from PIL import Image
from PySide6.QtCore import QObject, QTimer, Signal

from ..codes import read_codes
from ..engine.backend import Answer
from ..engine.stats import StopReason
from ..history import HistoryError, HistoryStore, NewPage, NewRecord, PageImage, Retention, stats_dict
from ..history import State as StoreState
from ..history import Turn as StoreTurn
from .disk_images import DiskImageKeeper, trim_heap
from .document_run import failed_page_text
from .failures import Failure
from .record_mapping import new_record_for
from .records import Record, State

__all__ = ["DiskImageKeeper", "HistorySync", "trim_heap"]

if TYPE_CHECKING:
    from pathlib import Path

    from .document_run import DocumentRun, DonePage
    from .session import RecognitionSession
    from .settings_store import Settings

EDIT_DELAY_MS = 400  # an edit is written once typing pauses
IDLE_TRIM_MS = 1000


class HistorySync(QObject):
    """Writes the session's answers to the history store, off the GUI thread, in order."""

    opened = Signal(str)  # the store is (re)opened; its warning ("" when none)
    written = Signal(int, int, int)  # session id, store id, the store id it replaced (0: none)
    removed = Signal(int)  # store id deleted
    cleared = Signal()
    error = Signal(str)  # a write failed: one line

    def __init__(self, session: RecognitionSession, keeper: DiskImageKeeper, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.keeper = keeper
        self.store: HistoryStore | None = None
        self.private: set[int] = set()  # session ids never recorded
        self._ids: dict[int, int] = {}  # session id → store id (written on the writer thread)
        self._fields: dict[str, str] = {}
        self._edits: dict[int, str | None] = {}  # last edit written or known, per session id
        self._dirty: set[int] = set()
        self._document_pages: dict[int, list[NewPage]] = {}  # per session id; the writer thread's
        self._closed = False
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="history")
        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(self._write_edits)
        self._idle_trim = QTimer(self)
        self._idle_trim.setSingleShot(True)
        self._idle_trim.setInterval(IDLE_TRIM_MS)
        self._idle_trim.timeout.connect(lambda: self._submit(trim_heap))
        self._encoded: dict[int, PageImage] = {}  # session id → its PNG, made early (writer thread)
        keeper.store_id = self.store_id
        keeper.store = lambda: self.store
        keeper.on_put = self._encode_early
        self.written.connect(self._release)
        session.model_ready.connect(self._on_ready)
        session.record_changed.connect(self._on_changed)
        session.codes_read.connect(self._on_codes)

    # ----- the store
    def open(self, settings: Settings) -> Future[None]:
        """(Re)open the store the settings ask for, on the writer thread; `opened` says when."""
        self._ids.clear()

        def task() -> None:
            old, self.store = self.store, None
            if old is not None:
                old.close()
            store = settings.open_history()
            self.store = store
            self.opened.emit(store.warning)

        return self._submit(task)

    def set_retention(self, days: int, records: int) -> None:
        self._submit(lambda: self.store.set_retention(Retention(days, records)) if self.store else None)

    def _release(self, session_id: int, _store_id: int, _replaced: int) -> None:
        """The record is written: free its full image, and give the freed memory back to the OS."""
        self.keeper.release(session_id)
        self._submit(trim_heap)
        self._idle_trim.start()  # again once answers stop coming: the last images are freed late

    def store_id(self, session_id: int) -> int | None:
        return self._ids.get(session_id)

    def session_id(self, store_id: int) -> int | None:
        for sid, stored in list(self._ids.items()):
            if stored == store_id:
                return sid
        return None

    def link(self, session_id: int, store_id: int) -> None:
        """A record read back from the store into the session (selected in the list)."""
        self._ids[session_id] = store_id
        self._edits[session_id] = self.session.records[session_id].edited

    def flush(self) -> None:
        """Wait for every write so far (tests, shutting down)."""
        self._write_edits()
        self._submit(lambda: None).result()

    def close(self) -> None:
        """Write what is left, then close the store (later answers are not recorded)."""
        if self._closed:
            return
        self._write_edits()
        self._closed = True
        self._writer.shutdown(wait=True)
        store, self.store = self.store, None
        if store is not None:
            store.close()

    def _submit(self, task: Callable[[], Any]) -> Future[Any]:
        def guarded() -> Any:
            try:
                return task()
            except HistoryError as error:
                self.error.emit(f"History: {error}")
            except Exception as error:  # noqa: BLE001 - a failed write must not end the app
                self.error.emit(f"History: {type(error).__name__}: {error}")
            return None

        if self._closed:
            done: Future[Any] = Future()
            done.set_result(None)
            return done
        return self._writer.submit(guarded)

    # ----- answers
    def _on_ready(self, _description: str) -> None:
        backend = self.session.worker.backend
        self._fields = backend.identity().record_fields() if backend is not None else {}

    def record_answer(self, session_id: int, answer: Answer) -> Future[Any] | None:
        """An answer ended (done or stopped): a new record, or a follow-up's turn of one.
        The write's future (None when nothing is written: private, a document's page)."""
        stopped = answer.stats.stop_reason is StopReason.CANCELLED
        state = StoreState.STOPPED if stopped else StoreState.DONE
        probabilities = [token.to_json(alternatives=True) for token in answer.tokens]
        return self._record(session_id, answer.text, stats_dict(answer.stats), probabilities, state, "")

    def record_failure(self, session_id: int, failure: Failure) -> None:
        self._record(session_id, "", {}, [], StoreState.FAILED, failure.message)

    def _encode_early(self, session_id: int, image: Image.Image) -> None:
        """A new image's PNG is made on the writer thread while the model reads it, so that the
        record's write when the answer ends is an insert of milliseconds, not an encode.
        A document's pages are not: each is encoded as it ends (`follow`)."""
        record = self.session.records.get(session_id)
        if record is None or record.is_document:
            return

        def encode() -> None:
            if self.store is None or session_id in self.private:
                return
            image.load()
            self._encoded[session_id] = PageImage.encode(image)

        self._submit(encode)

    def _record(
        self, sid: int, text: str, stats: dict, probabilities: list, state: StoreState, error: str
    ) -> Future[Any] | None:
        record = self.session.records.get(sid)
        if record is None or sid in self.private or not record.turns or record.is_document:
            return None  # a document's pages come through `follow`
        turn = StoreTurn(record.turns[-1].question, text, stats, probabilities)
        edited = record.edited
        self._edits[sid] = edited
        if len(record.turns) > 1 and sid in self._ids:
            return self._submit(lambda: self._write_turn(sid, turn, state, error, edited))
            return
        image: Image.Image | PageImage | None
        replaced = self._ids.get(sid, 0)
        try:
            image = self.keeper.get(sid)
        except KeyError:
            image = None
        entry = self._new_record(record, turn, state, error)
        return self._submit(lambda: self._write_new(sid, entry, image, replaced))

    def _on_codes(self, sid: int) -> None:
        """An image's codes are read: a Codes-mode record is written now (its codes are its
        answer); another's codes join its record, after its answer's write if that came first."""
        record = self.session.records.get(sid)
        if record is None or sid in self.private or record.is_document:
            return
        codes = record.codes or ()
        if not record.codes_only:
            self._submit(lambda: self._write_codes(sid, codes))
            return
        try:
            image: Image.Image | None = self.keeper.get(sid)
        except KeyError:
            image = None
        self._edits[sid] = record.edited
        entry = self._new_record(record, None, StoreState.DONE, "")
        entry = NewRecord(**{**entry.__dict__, "pages": [NewPage(None, [], codes=codes)]})
        replaced = self._ids.get(sid, 0)
        self._submit(lambda: self._write_new(sid, entry, image, replaced))

    def _write_codes(self, sid: int, codes: tuple) -> None:
        store, store_id = self.store, self._ids.get(sid)
        if store is not None and store_id is not None and codes:
            store.set_codes(store_id, codes)

    def _new_record(self, record: Record, turn: StoreTurn | None, state: StoreState, error: str) -> NewRecord:
        return new_record_for(record, turn, state, error, self._fields)

    def _write_new(self, sid: int, entry: NewRecord, image: Image.Image | None, replaced: int) -> None:
        store = self.store
        if store is None:
            return
        page_image: PageImage | None = None
        if replaced and store.image(replaced) is not None:
            # Recognize again on a recorded image: reuse its PNG and thumbnail as they are.
            old = store.get(replaced)
            png, thumb = store.image(replaced), store.thumbnail(replaced)
            if old is not None and old.pages and png is not None and thumb is not None:
                page_image = PageImage(png, thumb, old.pages[0].width, old.pages[0].height)
        early = self._encoded.pop(sid, None)
        if page_image is None and early is not None:
            page_image = early  # encoded while the model ran
        elif page_image is None and image is not None:
            image.load()
            page_image = PageImage.encode(image)  # here, off the GUI thread
        page = entry.pages[0]
        pages = [NewPage(page_image, page.turns, page.edited, codes=page.codes)]
        store_id = store.add(NewRecord(**{**entry.__dict__, "pages": pages}))
        self._ids[sid] = store_id
        self.written.emit(sid, store_id, replaced)

    def _write_turn(
        self, sid: int, turn: StoreTurn, state: StoreState, error: str, edited: str | None
    ) -> None:
        store, store_id = self.store, self._ids.get(sid)
        if store is None or store_id is None:
            return
        store.add_turn(store_id, turn, state=state, error=error)
        store.set_edited(store_id, edited)  # a follow-up clears the edit, as in the window
        self.written.emit(sid, store_id, store_id)

    # ----- documents
    def follow(self, run: DocumentRun) -> None:
        """Record the document `run` recognises as one record, once it ends."""
        run.page_done.connect(self._on_document_page)
        run.ended.connect(lambda sid: self._on_document_ended(sid, run.stopped))

    def _on_document_page(self, sid: int, page: DonePage) -> None:
        record = self.session.records.get(sid)
        if record is None or sid in self.private:
            return
        turns, edited = [], None
        if page.answer is not None:
            answer = page.answer
            probabilities = [token.to_json(alternatives=True) for token in answer.tokens]
            turns = [StoreTurn(record.question, answer.text, stats_dict(answer.stats), probabilities)]
        else:  # no answer: the page keeps the line the window shows in its place
            edited = failed_page_text(page.number, page.error)
        image = page.image

        def encode() -> None:  # here, off the GUI thread; one page's pixels at a time
            encoded = PageImage.encode(image) if image is not None else None
            codes = tuple(read_codes(image)) if image is not None else ()  # kept and searchable
            new = NewPage(encoded, turns, edited, document_page=page.number, codes=codes)
            self._document_pages.setdefault(sid, []).append(new)

        self._submit(encode)

    def page_image(self, sid: int, index: int) -> Path | bytes | None:
        """A document page's PNG: its file (or bytes) once the record is written, its encoded
        bytes while the run goes on; None for a page without a picture or not encoded yet."""
        store, store_id = self.store, self._ids.get(sid)
        if store is not None and store_id is not None:
            return store.image_path(store_id, index) or store.image(store_id, index)
        pending = list(self._document_pages.get(sid, ()))  # appended on the writer thread
        image = pending[index].image if index < len(pending) else None
        return image.png if isinstance(image, PageImage) else None

    def _on_document_ended(self, sid: int, stopped: bool) -> None:
        record = self.session.records.get(sid)
        if record is None or sid in self.private:
            self._submit(lambda: self._document_pages.pop(sid, None))
            return
        answered = any(page.stats is not None for page in record.pages or [])
        state = StoreState.STOPPED if stopped else StoreState.DONE if answered else StoreState.FAILED
        entry = self._new_record(record, None, state, "" if answered else record.error)
        self._edits[sid] = record.edited

        def write() -> None:
            pages = self._document_pages.pop(sid, [])
            if pages and self.store is not None:
                store_id = self.store.add(NewRecord(**{**entry.__dict__, "pages": pages}))
                self._ids[sid] = store_id
                self.written.emit(sid, store_id, 0)

        self._submit(write)

    # ----- edits
    def _on_changed(self, sid: int) -> None:
        record = self.session.records.get(sid)
        if record is None or sid in self.private:
            return
        if record.state not in (State.DONE, State.CANCELLED, State.FAILED):
            self._edits[sid] = record.edited  # cleared by a new request: not a user's edit
            return
        # Also before the record's own write has run: the writer keeps the order, so the edit
        # lands after it (a record never written, e.g. with the history off, is skipped there).
        if record.edited != self._edits.get(sid):
            self._dirty.add(sid)
            self._edit_timer.start()

    def _write_edits(self) -> None:
        self._edit_timer.stop()
        dirty, self._dirty = self._dirty, set()
        for sid in dirty:
            record = self.session.records.get(sid)
            if record is None:
                continue
            edited = self._edits[sid] = record.edited
            self._submit(functools.partial(self._write_edit, sid, edited, record.is_document))

    def _write_edit(self, sid: int, edited: str | None, document: bool) -> None:
        store, store_id = self.store, self._ids.get(sid)
        if store is not None and store_id is not None:
            if document:
                store.set_document_edited(store_id, edited)  # the whole text: no one page's
            else:
                store.set_edited(store_id, edited)
            self.written.emit(sid, store_id, store_id)

    # ----- deleting
    def delete(self, store_id: int | None, session_id: int | None) -> None:
        """Delete a record: its row, its request, its files (the write queue keeps the order)."""

        def task() -> None:
            target = store_id if store_id is not None else self._ids.get(session_id or -1)
            if session_id is not None:
                self._ids.pop(session_id, None)
            if target is not None and self.store is not None and self.store.delete(target):
                self.removed.emit(target)

        self._submit(task)

    def clear(self) -> Future[Any]:
        def task() -> None:
            self._ids.clear()
            if self.store is not None:
                self.store.clear()
            self.cleared.emit()

        return self._submit(task)
