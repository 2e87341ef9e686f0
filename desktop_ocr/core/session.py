"""The recognition session: records, the request queue and the worker thread. No widgets.

Rules:
- One live request per record. A new request for a record replaces its queued one, or
  cancels its running one; requests for other records keep their place and run on.
- A job carries a snapshot of the conversation it was made for (`Job.conversation` is a copy
  of the record's turns plus its image), and only the record's live request may write back.
  A stale answer (one whose request was replaced) is dropped, so it can never land on, or
  run against, a newer conversation.
- Stop cancels what runs and drops the queue. Reloading the backend stops first.

The full images live in an `ImageKeeper` (records.py); `image(record_id)` is the one way to read
them, so the history store can swap the in-memory keeper for one on disk.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass

from PIL import Image
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage

from ..engine.backend import Answer
from ..engine.conversation import Conversation, Turn
from ..engine.options import EngineOptions
from ..engine.server import ServerOptions
from ..engine.stats import StopReason
from ..pages import PageResult
from .code_search import CodeVerbs
from .failures import Failure
from .records import ImageKeeper, MemoryImageKeeper, Record, SourceKind, State
from .worker import BackendFactory, EngineWorker, Job


@dataclass(frozen=True)
class _Request:
    request_id: int
    record_id: int
    conversation: Conversation  # the snapshot this request answers


class RecognitionSession(QObject, CodeVerbs):
    """Owns the worker thread, the records, the queue and the request ids."""

    # To the worker thread (queued connections).
    _load_requested = Signal(object, object)  # EngineOptions, ServerOptions | None
    _run_requested = Signal(object)  # Job

    record_added = Signal(int)  # record id
    record_changed = Signal(int)  # record id: state, answer, edit, thumbnail
    record_removed = Signal(int)  # record id (its image could not be opened)
    chunk = Signal(int, str)  # record id, text streamed for its live request
    finished = Signal(int, object)  # record id, Answer (also when stopped: see stats.stop_reason)
    failed = Signal(int, object)  # record id, Failure
    model_loading = Signal()
    model_ready = Signal(str)  # the backend's description
    model_failed = Signal(object)  # Failure
    download_progress = Signal(int, int)  # bytes done, bytes in total
    status = Signal(str)  # a passing message from the loader
    codes_read = Signal(int)  # record id: its image's codes are in `record.codes`

    def __init__(
        self,
        options: EngineOptions,
        server: ServerOptions | None = None,
        keeper: ImageKeeper | None = None,
        backend_factory: BackendFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.options = options  # read when a job starts: budget and max_new_tokens
        self.server = server
        self.keeper: ImageKeeper = keeper or MemoryImageKeeper()
        self.records: dict[int, Record] = {}
        self.ready = False
        self.description = ""
        self._next_record = 0
        self._next_request = 0
        self._queue: deque[_Request] = deque()
        self.load_failure: Failure | None = None  # why no model is loaded, until the next load
        self._running: _Request | None = None
        self._live: dict[int, int] = {}  # record id → its live request id
        self._thread = QThread(self)
        self._thread.setObjectName("engine")
        self.worker = EngineWorker(backend_factory)
        self.worker.moveToThread(self._thread)
        self._load_requested.connect(self.worker.load)
        self._run_requested.connect(self.worker.run)
        signals = self.worker.signals
        signals.download_progress.connect(self.download_progress)
        signals.status.connect(self.status)
        signals.ready.connect(self._on_ready)
        signals.load_failed.connect(self._on_load_failed)
        signals.chunk.connect(self._on_chunk)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        self.code_search = self._start_code_search()
        self._thread.start()

    # ----- the backend
    def load(self, options: EngineOptions | None = None, server: ServerOptions | None = None) -> None:
        """(Re)load the backend; what runs is stopped; waiting images run once it has loaded."""
        if options is not None:
            self.options, self.server = options, server
        waiting = list(self._queue)  # never silently cancelled: they wait for the new model
        self._queue.clear()
        self.stop()
        self._queue.extend(waiting)
        if not self.ready:
            self.worker.cancel()  # a warm-up of the model being replaced: cut it short
        self.ready, self.load_failure = False, None
        self.model_loading.emit()
        self._load_requested.emit(self.options, self.server)

    def _on_ready(self, description: str) -> None:
        self.ready, self.load_failure = True, None
        self.description = description
        self.model_ready.emit(description)
        self._start_next()

    def _on_load_failed(self, failure: Failure) -> None:
        self.load_failure = failure  # queued images keep waiting: a model chosen next runs them
        self.model_failed.emit(failure)

    # ----- records
    def reserve(
        self,
        name: str,
        source: SourceKind,
        mode: str,
        question: str,
        *,
        latex_mode: bool = False,
        path: str | None = None,
    ) -> int:
        """A new record, OPENING until `attach` gives it its image (decoded off the GUI thread)."""
        self._next_record += 1
        record = Record(self._next_record, source, name, mode, question, latex_mode=latex_mode, path=path)
        self.records[record.record_id] = record
        self.record_added.emit(record.record_id)
        return record.record_id

    def attach(self, record_id: int, image: Image.Image, thumbnail: QImage | None = None) -> None:
        """The record's decoded image: keep it and queue the first question."""
        record = self.records[record_id]
        self.keeper.put(record_id, image)
        record.size = image.size
        record.thumbnail = thumbnail
        record.codes = None
        self.code_search.read(record_id, image)
        self.recognize(
            record_id, record.question, mode=record.mode, latex_mode=record.latex_mode, urgent=False
        )

    def add(
        self,
        name: str,
        source: SourceKind,
        image: Image.Image,
        mode: str,
        question: str,
        *,
        latex_mode: bool = False,
        thumbnail: QImage | None = None,
    ) -> int:
        """A record whose image is already decoded, queued at once."""
        record_id = self.reserve(name, source, mode, question, latex_mode=latex_mode)
        self.attach(record_id, image, thumbnail)
        return record_id

    def restore(self, record: Record) -> int:
        """A recorded answer read back (from the history) as a record of this session; not queued."""
        self._next_record += 1
        record.record_id = self._next_record
        self.records[record.record_id] = record
        self.record_added.emit(record.record_id)
        return record.record_id

    def discard(self, record_id: int) -> None:
        """Forget a record (its image could not be opened, or the user deleted it)."""
        self._withdraw(record_id)
        self.records.pop(record_id, None)
        self.keeper.drop(record_id)
        self.record_removed.emit(record_id)

    def record(self, record_id: int) -> Record:
        return self.records[record_id]

    def image(self, record_id: int) -> Image.Image:
        """The record's full image, from the keeper (the one way to read it)."""
        return self.keeper.get(record_id)

    def edit(self, record_id: int, text: str | None) -> None:
        """The user's correction of the transcript (None: back to the model's answer)."""
        record = self.records[record_id]
        if record.state is State.RUNNING or record.document_running:
            return  # the next page would replace the edit: edit once the document is whole
        record.edited = text
        self.record_changed.emit(record_id)

    # ----- a document's record (a document run asks these; its pages come in turn)
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

    # ----- requests
    def recognize(
        self, record_id: int, question: str, *, mode: str, latex_mode: bool = False, urgent: bool = True
    ) -> None:
        """Start the record's conversation afresh with `question` (Recognize again)."""
        record = self.records[record_id]
        record.mode, record.question, record.latex_mode = mode, question, latex_mode
        if not self._has_image(record_id):
            return  # still OPENING: attach() queues it once the image is decoded
        if record.codes_only:
            self._codes_only(record)
            return
        record.turns = [Turn(question)]
        self._submit(record, urgent)

    def ask(self, record_id: int, question: str) -> bool:
        """A follow-up about the record's image; False while a request for it is live."""
        record = self.records[record_id]
        if not question.strip() or record_id in self._live or not record.turns:
            return False
        if record.turns[-1].answer is None:
            record.turns[-1] = Turn(question)  # replaces an unanswered (stopped, failed) question
        else:
            record.turns.append(Turn(question))
        self._submit(record, urgent=True)
        return True

    def stop(self) -> None:
        """Cancel the running request; the queued ones are dropped (their records end cancelled)."""
        dropped = list(self._queue)
        self._queue.clear()
        for request in dropped:
            self._live.pop(request.record_id, None)
            self._set_state(self.records[request.record_id], State.CANCELLED)
        if self._running is not None:
            self.worker.cancel(self._running.request_id)

    @property
    def queued(self) -> list[int]:
        """Record ids waiting, in the order they will run."""
        return [request.record_id for request in self._queue]

    @property
    def running(self) -> int | None:
        """The record whose answer is being generated, if it is still live."""
        request = self._running
        if request is None or self._live.get(request.record_id) != request.request_id:
            return None
        return request.record_id

    def _has_image(self, record_id: int) -> bool:
        try:
            self.keeper.get(record_id)
        except KeyError:
            return False
        return True

    def _submit(self, record: Record, urgent: bool) -> None:
        """Queue a request answering the record's current turns, replacing its live one."""
        self._withdraw(record.record_id)
        record.edited, record.partial, record.error, record.failure_kind = None, "", "", None
        self._next_request += 1
        snapshot = Conversation(image=self.image(record.record_id), turns=copy.deepcopy(record.turns))
        request = _Request(self._next_request, record.record_id, snapshot)
        self._live[record.record_id] = request.request_id
        if urgent:
            self._queue.appendleft(request)
        else:
            self._queue.append(request)
        self._set_state(record, State.QUEUED)
        self._start_next()

    def _withdraw(self, record_id: int) -> None:
        """End the record's live request: drop it from the queue, or cancel it if it runs."""
        request_id = self._live.pop(record_id, None)
        if request_id is None:
            return
        self._queue = deque(r for r in self._queue if r.request_id != request_id)
        if self._running is not None and self._running.request_id == request_id:
            self.worker.cancel(request_id)  # its late answer is dropped: it is no longer live

    def _start_next(self) -> None:
        if self._running is not None or not self.ready or not self._queue:
            return
        request = self._queue.popleft()
        self._running = request
        self._set_state(self.records[request.record_id], State.RUNNING)
        options = self.options
        self._run_requested.emit(
            Job(request.request_id, request.conversation, options.budget, options.max_new_tokens)
        )

    # ----- worker results
    def _live_record(self, request_id: int) -> Record | None:
        """The record this request still speaks for, or None when it was replaced."""
        request = self._running
        if request is None or request.request_id != request_id:
            return None
        if self._live.get(request.record_id) != request_id:
            return None
        return self.records.get(request.record_id)

    def _on_chunk(self, request_id: int, text: str) -> None:
        record = self._live_record(request_id)
        if record is not None:
            record.partial += text
            self.chunk.emit(record.record_id, text)

    def _on_finished(self, request_id: int, answer: Answer) -> None:
        record = self._live_record(request_id)
        request = self._running
        if request is None or request.request_id != request_id:
            return
        self._running = None
        if record is not None:
            del self._live[record.record_id]
            record.stats = answer.stats
            record.model = self.description
            cancelled = answer.stats.stop_reason is StopReason.CANCELLED
            if cancelled:
                record.partial = answer.text
            else:
                record.turns = request.conversation.turns  # the snapshot, answered
                record.partial = ""
                # Earlier turns keep their tokens; a fresh recognition has one turn and drops them.
                earlier = record.tokens[: len(record.turns) - 1]
                earlier += [()] * (len(record.turns) - 1 - len(earlier))
                record.tokens = [*earlier, tuple(answer.tokens)]
            self._set_state(record, State.CANCELLED if cancelled else State.DONE)
            self.finished.emit(record.record_id, answer)
        self._start_next()

    def _on_failed(self, request_id: int, failure: Failure) -> None:
        record = self._live_record(request_id)
        request = self._running
        if request is None or request.request_id != request_id:
            return
        self._running = None
        if record is not None:
            self._fail(request, failure)
        self._start_next()

    def _fail(self, request: _Request, failure: Failure) -> None:
        self._live.pop(request.record_id, None)
        record = self.records.get(request.record_id)
        if record is None:
            return
        record.error = failure.message
        record.failure_kind = failure.kind
        self._set_state(record, State.FAILED)
        self.failed.emit(record.record_id, failure)

    def _set_state(self, record: Record, state: State) -> None:
        record.state = state
        self.record_changed.emit(record.record_id)

    # ----- the end
    def shut_down(self) -> None:
        """Cancel whatever runs and join the worker thread; the model is freed here."""
        self.code_search.shut_down()
        if self._thread.isRunning():
            self._queue.clear()
            self.worker.shut_down()
            self._thread.quit()
            self._thread.wait()
            self.worker.release()  # the worker thread has ended: free the model deterministically

    @property
    def engine_thread(self) -> QThread:
        """The worker's thread (tests check that it is joined)."""
        return self._thread
