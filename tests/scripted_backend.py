"""A scripted backend for window tests that need the app's flows, not a model's answer.

It implements the engine's `Backend` protocol: it streams a fixed answer (the image's size and
the question, so each answer can be told apart) in chunks, honours cancel between chunks, and
records the conversation like the real backends do. `gate` (a threading.Event) holds an answer
half-way until the test sets it.
"""

from __future__ import annotations

import threading
from time import perf_counter

from desktop_ocr.engine.backend import Answer, BackendIdentity, CancelToken, ChunkCallback
from desktop_ocr.engine.conversation import Conversation
from desktop_ocr.engine.options import EngineOptions, PixelBudget
from desktop_ocr.engine.server import ServerOptions
from desktop_ocr.engine.stats import GenerationStats, StopReason


def scripted_answer(conversation: Conversation) -> str:
    width, height = conversation.image.size
    return f"answer to '{conversation.pending.question}' on a {width}×{height} image"


class ScriptedBackend:
    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.calls = 0

    def describe(self) -> str:
        return "scripted · cpu"

    def identity(self) -> BackendIdentity:
        return BackendIdentity("scripted", "local", "cpu", "float32")

    def warm_up(self, cancel: CancelToken | None = None) -> None:
        return None

    def generate(
        self,
        conversation: Conversation,
        on_chunk: ChunkCallback | None = None,
        cancel: CancelToken | None = None,
        *,
        budget: PixelBudget | None = None,
        max_new_tokens: int | None = None,
    ) -> Answer:
        started = perf_counter()
        self.calls += 1
        words = scripted_answer(conversation).split(" ")
        sent: list[str] = []
        stop = StopReason.END
        for index, word in enumerate(words):
            if index == len(words) // 2 and self.gate is not None:
                while not self.gate.wait(0.01):
                    if cancel is not None and cancel.cancelled:
                        break
            if cancel is not None and cancel.cancelled:
                stop = StopReason.CANCELLED
                break
            chunk = word if index == 0 else " " + word
            sent.append(chunk)
            if on_chunk is not None:
                on_chunk(chunk)
        text = "".join(sent)
        stats = GenerationStats(
            original_size=conversation.image.size,
            resized_size=conversation.image.size,
            new_tokens=len(sent),
            time_to_first_token=0.0,
            total_time=perf_counter() - started,
            stop_reason=stop,
        )
        if stop is not StopReason.CANCELLED:
            conversation.answer(text)
        return Answer(text, stats)


def scripted_factory(backend: ScriptedBackend):
    """A backend factory (core.worker.BackendFactory) that always hands out `backend`."""

    def create(_options: EngineOptions, _server: ServerOptions | None, _progress, _status) -> ScriptedBackend:
        return backend

    return create
