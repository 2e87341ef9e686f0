"""The small interface every backend (local transformers, an OpenAI-compatible server) offers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .confidence import TokenInfo
from .conversation import Conversation
from .options import PixelBudget
from .stats import GenerationStats

ChunkCallback = Callable[[str], None]


class CancelToken:
    """Set from any thread; the generation checks it before every layer and after every token.

    Work that blocks without checking (an HTTP request waiting for its first byte) registers
    a callback with `on_cancel` that interrupts it from the cancelling thread.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        # Re-entrant: cancel() may run in a signal handler on a thread inside on_cancel().
        self._lock = threading.RLock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` once when cancelled (now, if already); returns a function that forgets it."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)

                def forget() -> None:
                    with self._lock:
                        if callback in self._callbacks:
                            self._callbacks.remove(callback)

                return forget
        callback()
        return lambda: None

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True)
class Answer:
    text: str
    stats: GenerationStats
    # One per generated token (the end token excluded), texts joining to `text`; empty when
    # the backend gives no probabilities (a server without logprobs, recording turned off).
    tokens: tuple[TokenInfo, ...] = field(default=())


@dataclass(frozen=True)
class BackendIdentity:
    """What a backend is, as a history record keeps it with each answer."""

    model: str
    kind: str  # "local" (transformers), "openvino" or "server"
    device: str = ""
    dtype: str = ""

    def record_fields(self) -> dict[str, str]:
        """The history record's model, backend, device and dtype fields."""
        return {"model": self.model, "backend": self.kind, "device": self.device, "dtype": self.dtype}


class Backend(Protocol):
    def describe(self) -> str:
        """Model, device and dtype, for a status line."""
        ...

    def identity(self) -> BackendIdentity:
        """Model, kind, device and dtype, for the history."""
        ...

    def warm_up(self, cancel: CancelToken | None = None) -> None:
        """Run a small image through the whole path once (seconds; call off the GUI thread
        right after loading), so that the first real snip is not slowed by one-time set-up.
        `cancel` stops it early (closing the app, loading another model)."""
        ...

    def generate(
        self,
        conversation: Conversation,
        on_chunk: ChunkCallback | None = None,
        cancel: CancelToken | None = None,
        *,
        budget: PixelBudget | None = None,
        max_new_tokens: int | None = None,
    ) -> Answer:
        """Answer the conversation's pending question, streaming text to `on_chunk`.

        The answer is recorded in the conversation unless the generation was cancelled.
        """
        ...
