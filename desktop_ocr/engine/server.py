"""The server backend: any OpenAI-compatible endpoint (vLLM, llama.cpp, LM Studio, transformers serve).

The image is prepared here exactly as the local backend prepares it (guards, pixel budget,
alpha flattened) and sent as PNG, so that no server resizes it: every server sees the same
pixels. Requests carry only standard OpenAI fields.

Where the served model name is a profiled hub id (engine/families.py), its card's prompts are
sent, and for the families whose card hands the picture to the processor (all but
Qwen2-VL/2.5-VL) the image goes unresized: the server's own processor sizes it, as the card does.
"""

from __future__ import annotations

import base64
import io
import os
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from .backend import Answer, BackendIdentity, CancelToken, ChunkCallback
from .confidence import ALTERNATIVES, LogprobCollector
from .conversation import Conversation
from .errors import EngineError, GenerationError, Hint, ModelNotFoundError, one_line
from .families import QWEN_VL_UTILS, ModelProfile, profile_for_model
from .family_images import processor_image
from .family_inputs import family_messages
from .images import prepare_image
from .options import DEFAULT_MAX_NEW_TOKENS, PixelBudget
from .stats import GenerationStats, StopReason
from .tokens import QWEN_SPECIAL_TOKENS as SPECIAL_TOKENS

API_KEY_ENV = "DESKTOP_OCR_API_KEY"
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 600.0  # a long prefill on a busy server sends nothing for a while


class ServerError(EngineError):
    """The server could not be reached or answered with an error."""


@dataclass(frozen=True)
class ServerOptions:
    url: str
    model: str | None = None  # None: the server's only model
    api_key: str | None = None
    budget: PixelBudget = field(default_factory=PixelBudget)
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS

    def key(self) -> str:
        """The API key: --api-key, else $DESKTOP_OCR_API_KEY; servers without auth accept any."""
        return self.api_key or os.environ.get(API_KEY_ENV) or "none"


class SpecialTokenFilter:
    """Drops control tokens from streamed text, holding back a tail that may start one."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, text: str) -> str:
        text = self._pending + text
        for token in SPECIAL_TOKENS:
            text = text.replace(token, "")
        start = text.rfind("<|")
        if (
            start != -1
            and "|>" not in text[start:]
            and any(t.startswith(text[start:]) for t in SPECIAL_TOKENS)
        ):
            self._pending = text[start:]
            return text[:start]
        self._pending = ""
        return text

    def finish(self) -> str:
        rest, self._pending = self._pending, ""
        return rest


def image_data_url(image: Any) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ServerBackend:
    """Streams answers from /v1/chat/completions; cancel closes the stream."""

    def __init__(self, options: ServerOptions) -> None:
        from openai import OpenAI, Timeout

        self.options = options
        self.client = OpenAI(
            base_url=options.url.rstrip("/"),
            api_key=options.key(),
            timeout=Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            max_retries=0,
        )
        self.model = options.model or self._only_model()
        # None: a model without a profile, asked the app's instructions as they are.
        self.profile: ModelProfile | None = profile_for_model(self.model)

    def warm_up(self, cancel: CancelToken | None = None) -> None:
        """Nothing to do: the server keeps its model loaded and warm."""

    def describe(self) -> str:
        return f"{self.model} · {self.options.url}"

    def identity(self) -> BackendIdentity:
        return BackendIdentity(str(self.model), "server")

    def list_models(self) -> list[str]:
        """The ids the server serves (GET /v1/models)."""
        try:
            return [model.id for model in self.client.models.list()]
        except Exception as error:  # noqa: BLE001 - every failure becomes one clear line
            raise _translate(error, self.options.url) from None

    def _only_model(self) -> str:
        models = self.list_models()
        if len(models) == 1:
            return models[0]
        if not models:
            raise ServerError(f"{self.options.url} serves no model")
        raise ServerError(
            f"{self.options.url} serves several models: {', '.join(models)}", Hint.CHOOSE_SERVER_MODEL
        )

    def generate(
        self,
        conversation: Conversation,
        on_chunk: ChunkCallback | None = None,
        cancel: CancelToken | None = None,
        *,
        budget: PixelBudget | None = None,
        max_new_tokens: int | None = None,
    ) -> Answer:
        started = time.perf_counter()
        cancel = cancel or CancelToken()
        stats, picture = self._picture(conversation, budget or self.options.budget)
        image_part = {"type": "image_url", "image_url": {"url": image_data_url(picture)}}
        if self.profile is None:
            messages = conversation.messages(image_part)
        else:
            messages = family_messages(conversation, self.profile, image_part)
        pieces: list[str] = []
        collector = LogprobCollector()
        filter_ = SpecialTokenFilter()
        chunks = 0
        finish_reason: str | None = None
        usage_tokens: int | None = None
        if cancel.cancelled:
            return self._finish(conversation, "", stats, started, StopReason.CANCELLED)
        done = threading.Event()
        stream: Any = None
        try:
            stream = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                stream=True,
                temperature=0,
                max_tokens=max_new_tokens or self.options.max_new_tokens,
                # Token probabilities for the marks (vLLM, llama.cpp give them; a server that
                # ignores the fields just gives none).
                logprobs=True,
                top_logprobs=ALTERNATIVES,
            )
            watcher = threading.Thread(target=self._close_on_cancel, args=(cancel, done, stream), daemon=True)
            watcher.start()
            for chunk in stream:
                if cancel.cancelled:
                    break
                if getattr(chunk, "usage", None) is not None:
                    usage_tokens = chunk.usage.completion_tokens
                    stats.prompt_tokens = chunk.usage.prompt_tokens or stats.prompt_tokens
                for choice in chunk.choices or []:
                    collector.feed(getattr(choice, "logprobs", None))
                    text = choice.delta.content if choice.delta is not None else None
                    if text:
                        if stats.time_to_first_token is None:
                            stats.time_to_first_token = time.perf_counter() - started
                        chunks += 1
                        self._emit(filter_.feed(text), pieces, on_chunk)
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
        except Exception as error:  # noqa: BLE001 - closed by cancel, or a server/network failure
            if not cancel.cancelled:
                raise _translate(error, self.options.url) from None
        finally:
            done.set()
            if stream is not None:
                stream.close()
        self._emit(filter_.finish(), pieces, on_chunk)
        stats.new_tokens = usage_tokens if usage_tokens is not None else chunks
        if cancel.cancelled:
            reason = StopReason.CANCELLED
        elif finish_reason == "length":
            reason = StopReason.MAX_TOKENS
        else:
            reason = StopReason.END
        text = "".join(pieces)
        cleaned = text if self.profile is None else self.profile.clean_answer(text)
        answer = self._finish(conversation, cleaned, stats, started, reason)
        return replace(answer, tokens=collector.tokens(answer.text) if cleaned == text else ())

    def _picture(self, conversation: Conversation, budget: PixelBudget) -> tuple[GenerationStats, Any]:
        """The image to send and the stats known before sending it."""
        if self.profile is None or self.profile.image_flow == QWEN_VL_UTILS:
            prepared = prepare_image(conversation.image, budget)
            stats = GenerationStats(
                original_size=prepared.original_size,
                resized_size=prepared.resized_size,
                visual_tokens=prepared.visual_tokens,
            )
            return stats, prepared.image
        picture, _padded = processor_image(conversation.image)
        # The server's processor resizes: the visual tokens are its to count.
        return GenerationStats(original_size=conversation.image.size, resized_size=picture.size), picture

    @staticmethod
    def _emit(text: str, pieces: list[str], on_chunk: ChunkCallback | None) -> None:
        if text:
            pieces.append(text)
            if on_chunk is not None:
                on_chunk(text)

    @staticmethod
    def _close_on_cancel(cancel: CancelToken, done: threading.Event, stream: Any) -> None:
        """Closing the HTTP stream stops the generation server-side, even during the prefill."""
        while not done.wait(0.05):
            if cancel.cancelled:
                stream.close()
                return

    @staticmethod
    def _finish(
        conversation: Conversation, text: str, stats: GenerationStats, started: float, reason: StopReason
    ) -> Answer:
        stats.total_time = time.perf_counter() - started
        stats.stop_reason = reason
        if reason is not StopReason.CANCELLED:
            conversation.answer(text)
        return Answer(text, stats)


def _translate(error: Exception, url: str) -> EngineError:
    """One line a user can act on, for whatever the client raised."""
    import openai

    if isinstance(error, EngineError):
        return error
    if isinstance(error, openai.APITimeoutError):
        return ServerError(f"{url} did not answer in time")
    if isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        return ServerError(f"cannot connect to {url} ({one_line(cause)}); is the server running?")
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return ServerError(f"{url} refused the API key (HTTP {error.status_code})", Hint.SET_API_KEY)
    if isinstance(error, openai.NotFoundError):
        return ModelNotFoundError(
            f"{url}: not found (HTTP 404): {_api_message(error)}", Hint.CHECK_SERVER_URL
        )
    if isinstance(error, openai.APIStatusError):
        return ServerError(f"{url} answered HTTP {error.status_code}: {_api_message(error)}")
    if isinstance(error, openai.APIError):
        return GenerationError(f"{url} reported an error mid-answer: {_api_message(error)}")
    return ServerError(f"{url}: unexpected answer ({type(error).__name__}: {one_line(error)})")


def _api_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        detail = body.get("error", body)
        if isinstance(detail, dict):
            detail = detail.get("message") or detail.get("detail") or detail
        elif "detail" in body:
            detail = body["detail"]
        return one_line(Exception(str(detail)))
    message = getattr(error, "message", "") or str(error)
    return one_line(Exception(message))
