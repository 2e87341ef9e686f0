"""The engine on its own QThread: loading, recognition, cancel. No model code runs on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from ..engine.backend import Answer, Backend, CancelToken
from ..engine.conversation import Conversation
from ..engine.options import EngineOptions, PixelBudget
from ..engine.server import ServerOptions
from .failures import Failure, FailureKind, failure_from


@dataclass(frozen=True)
class Job:
    """One question about one conversation: a snapshot, so later changes to the record cannot reach it."""

    request_id: int
    conversation: Conversation
    budget: PixelBudget
    max_new_tokens: int


WARM_UP_REQUEST = -1  # the cancel state's request id while warming up


class WorkerSignals(QObject):
    """Everything the worker reports, emitted from its thread, delivered queued to the GUI."""

    download_progress = Signal(int, int)  # bytes done, bytes in total
    status = Signal(str)
    ready = Signal(str)  # the backend's description
    load_failed = Signal(object)  # Failure
    chunk = Signal(int, str)  # request id, text
    finished = Signal(int, object)  # request id, Answer
    failed = Signal(int, object)  # request id, Failure
    released = Signal()  # the old model was dropped: collect what cycles still hold, on the GUI thread


class _ShuttingDown(Exception):
    """Raised from the download progress callback to abandon a download when the app closes."""


@dataclass
class _CancelState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    cancelled: set[int] = field(default_factory=set)
    current: tuple[int, CancelToken] | None = None
    shutting_down: bool = False


# Makes the backend for the options: (engine options, server options, download progress, status
# line) → Backend. The app's is engine.backends.create_backend; tests may hand in a scripted one.
BackendFactory = Callable[
    [EngineOptions, "ServerOptions | None", Callable[[int, int], None], Callable[[str], None]], Backend
]


class EngineWorker(QObject):
    """Owns the backend. Its slots run on the worker thread; cancel() may be called from any thread."""

    def __init__(self, backend_factory: BackendFactory | None = None) -> None:
        super().__init__()
        self.backend_factory = backend_factory
        self.signals = WorkerSignals()
        self.backend: Backend | None = None
        self._state = _CancelState()

    # Called from the GUI thread.
    def cancel(self, request_id: int | None = None) -> None:
        """Cancel one request (queued or running), or every one when `request_id` is None."""
        with self._state.lock:
            current = self._state.current
            if request_id is not None:
                self._state.cancelled.add(request_id)
            if current is not None and (request_id is None or current[0] == request_id):
                current[1].cancel()

    def shut_down(self) -> None:
        """Stop whatever runs as soon as it can; queued requests end cancelled."""
        with self._state.lock:
            self._state.shutting_down = True
        self.cancel()

    # Slots, on the worker thread.
    @Slot(object, object)
    def load(self, options: EngineOptions, server: ServerOptions | None = None) -> None:
        from ..engine.backends import create_backend

        create = self.backend_factory or create_backend
        self.release()
        try:
            self.backend = create(options, server, self._on_download, self.signals.status.emit)
        except _ShuttingDown:
            return
        except Exception as error:  # noqa: BLE001 - the window must hear of every failure
            self.signals.load_failed.emit(failure_from(error, FailureKind.MODEL_LOAD))
            return
        self._warm_up(self.backend)
        if not self._state.shutting_down:
            self.signals.ready.emit(self.backend.describe())

    def _warm_up(self, backend: Backend) -> None:
        """One small generation before `ready`, so the first snip's TTFT is a warm one.

        Before `ready` rather than after: jobs wait in the session's queue (where Stop drops
        them cleanly) instead of sitting on this thread as "running" behind the warm-up, and
        the first answer's stats measure a warm model. Cancel (a reload, closing) cuts it short;
        a failing warm-up is only said: the real request will report the same error properly.
        """
        token = CancelToken()
        with self._state.lock:
            if self._state.shutting_down:
                return
            self._state.current = (WARM_UP_REQUEST, token)
        self.signals.status.emit("warming up the model…")
        try:
            backend.warm_up(token)
        except Exception as error:  # noqa: BLE001 - not fatal: the first request will say
            self.signals.status.emit(f"warm-up failed: {error}")
        finally:
            with self._state.lock:
                self._state.current = None

    def release(self) -> None:
        """Drop the current model: its memory goes here and now, but for what reference cycles
        hold, which `released` asks the GUI thread to collect (core/collector.py says why a
        collection must never run on this thread)."""
        if self.backend is None:
            return
        self.backend = None
        self.signals.released.emit()

    def _on_download(self, done: int, total: int) -> None:
        if self._state.shutting_down:
            raise _ShuttingDown
        self.signals.download_progress.emit(done, total)

    @Slot(object)
    def run(self, job: Job) -> None:
        token = CancelToken()
        with self._state.lock:
            if self._state.shutting_down or job.request_id in self._state.cancelled:
                token.cancel()
            self._state.current = (job.request_id, token)
        try:
            if self.backend is None:
                self.signals.failed.emit(
                    job.request_id, Failure(FailureKind.MODEL_NOT_LOADED, "the model is not loaded")
                )
                return
            answer: Answer = self.backend.generate(
                job.conversation,
                lambda text: self.signals.chunk.emit(job.request_id, text),
                token,
                budget=job.budget,
                max_new_tokens=job.max_new_tokens,
            )
            self.signals.finished.emit(job.request_id, answer)
        except Exception as error:  # noqa: BLE001 - reported, never swallowed
            self.signals.failed.emit(job.request_id, failure_from(error, FailureKind.GENERATION))
        finally:
            with self._state.lock:
                self._state.current = None
                self._state.cancelled.discard(job.request_id)
