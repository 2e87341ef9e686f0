"""`desktop-ocr --cli --jobs N`: several images at once against a server, answers in input order."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO

from ..engine import Answer, Backend, CancelToken, Conversation, EngineError, load_image
from .output import ProgressBar, error_line, header


class BatchRun:
    """Runs the images concurrently; prints each answer once all the ones before it are printed."""

    def __init__(
        self,
        backend: Backend,
        images: list[str],
        question: str,
        jobs: int,
        out: IO[str],
        err: IO[str],
        show_progress: bool,
    ) -> None:
        self.backend = backend
        self.images = images
        self.question = question
        self.jobs = jobs
        self.out = out
        self.err = err
        self.show_progress = show_progress
        self.tokens = [CancelToken() for _ in images]
        self._lock = threading.Lock()
        self._bar = ProgressBar(err, len(images)) if show_progress else None

    def cancel(self) -> None:
        for token in self.tokens:
            token.cancel()

    def _one(self, index: int) -> Answer:
        name = self.images[index]
        image = load_image(name)
        answer = self.backend.generate(Conversation.start(image, self.question), None, self.tokens[index])
        return answer

    def _progress(self, _future: Future) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.step()

    def run(self) -> int:
        """0 when every image was answered, 1 when some failed."""
        failures = 0
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = [pool.submit(self._one, index) for index in range(len(self.images))]
            for future in futures:
                future.add_done_callback(self._progress)
            for index, future in enumerate(futures):
                name = self.images[index]
                try:
                    answer = future.result()
                except EngineError as error:
                    failures += 1
                    with self._lock:
                        self.err.write(
                            f"\n{error_line(error)}\n" if self.show_progress else f"{error_line(error)}\n"
                        )
                        self.err.flush()
                    continue
                self.out.write(header(index, name) + answer.text)
                if not answer.text.endswith("\n"):
                    self.out.write("\n")
                self.out.flush()
        return 1 if failures else 0
