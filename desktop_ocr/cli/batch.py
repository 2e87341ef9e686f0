"""`--jobs N` with a server: N answers at a time, handed back in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PIL import Image

from ..engine import Answer, Backend, CancelToken, Conversation, EngineError, PixelBudget

U = TypeVar("U")


class OrderedPool:
    """Sends pictures to the backend on N threads; at most 2·N are rendered and waiting,
    so a 300-page PDF never has all its pages in memory."""

    def __init__(
        self,
        jobs: int,
        backend: Backend,
        on_done: Callable[[], None],
        budget: PixelBudget,
        max_new_tokens: int,
    ) -> None:
        self.jobs = jobs
        self.budget = budget
        self.max_new_tokens = max_new_tokens
        self.backend = backend
        self.on_done = on_done
        self.tokens: list[CancelToken] = []
        self._cancelled = False
        self._pool = ThreadPoolExecutor(max_workers=jobs)

    def cancel(self) -> None:
        self._cancelled = True
        for token in list(self.tokens):
            token.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _answer(self, image: Image.Image, question: str, token: CancelToken) -> Answer:
        return self.backend.generate(
            Conversation.start(image, question),
            None,
            token,
            budget=self.budget,
            max_new_tokens=self.max_new_tokens,
        )

    def map(
        self, work: Iterable[tuple[U, Image.Image | None]], question: Callable[[U], str]
    ) -> Iterator[tuple[U, Answer | EngineError | None]]:
        """(unit, answer or error) in the order of `work`; None for units that had no picture."""
        pending: deque[tuple[U, Future[Any] | None]] = deque()
        for unit, image in work:
            future: Future[Any] | None = None
            if image is not None and not self.cancelled:
                token = CancelToken()
                self.tokens.append(token)
                if self.cancelled:  # cancel() ran between the check and the append
                    token.cancel()
                future = self._pool.submit(self._answer, image, question(unit), token)
                future.add_done_callback(lambda _f: self.on_done())
            pending.append((unit, future))
            while len(pending) > 2 * self.jobs:
                yield self._result(*pending.popleft())
        while pending:
            yield self._result(*pending.popleft())

    @staticmethod
    def _result(unit: U, future: Future[Any] | None) -> tuple[U, Answer | EngineError | None]:
        if future is None:
            return unit, None
        try:
            return unit, future.result()
        except EngineError as error:
            return unit, error

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def abandon(self) -> None:
        """Queued answers are dropped; running ones end by their (cancelled) tokens."""
        self.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
