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
import time
from dataclasses import dataclass, field, replace
from typing import Any

from .backend import Answer, BackendIdentity, CancelToken, ChunkCallback
from .confidence import ALTERNATIVES, LogprobCollector, TokenInfo
from .conversation import Conversation
from .errors import EngineError, GenerationError, Hint, ModelNotFoundError, one_line
from .families import QWEN_VL_UTILS, ModelProfile, profile_for_model
from .family_images import processor_image
from .family_inputs import family_messages
from .http_abort import abortable, abortable_http_client
from .images import prepare_image
from .options import DEFAULT_MAX_NEW_TOKENS, PixelBudget
from .redact import redact
from .stats import GenerationStats, StopReason
from .tokens import QWEN_SPECIAL_TOKENS as SPECIAL_TOKENS
from .triton_guard import settle_triton

API_KEY_ENV = "DESKTOP_OCR_API_KEY"
CONNECT_TIMEOUT_S = 10.0
# How long a server may send nothing: a CPU server's prefill of a large image takes minutes,
# and sends no byte until the first token. Cancelling ends a wait at once whatever this is.
DEFAULT_SERVER_TIMEOUT_S = 300.0
# A token is a few characters; a server that ignores max_tokens is cut off at this many per token.
MAX_CHARS_PER_TOKEN = 64


class ServerError(EngineError):
    """The server could not be reached or answered with an error."""


@dataclass(frozen=True)
class ServerOptions:
    url: str
    model: str | None = None  # None: the server's only model
    api_key: str | None = None
    budget: PixelBudget = field(default_factory=PixelBudget)
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    timeout: float = DEFAULT_SERVER_TIMEOUT_S  # seconds without a byte before giving up

    @property
    def shown_url(self) -> str:
        """The URL as messages show it: a password in it is never printed."""
        return redact(self.url)

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


class _StreamReader:
    """Collects one streamed answer: text through the special-token filter, token data, and
    how it ended; stops taking text past `limit` tokens (a server may ignore max_tokens)."""

    def __init__(self, limit: int, on_chunk: ChunkCallback | None) -> None:
        self.limit = limit
        self.max_chars = limit * MAX_CHARS_PER_TOKEN
        self.on_chunk = on_chunk
        self.pieces: list[str] = []
        self.chars = 0
        self.chunks = 0
        self.finish_reason: str | None = None
        self.usage_tokens: int | None = None
        self.over_limit = False
        self._filter = SpecialTokenFilter()
        self._collector: LogprobCollector | None = LogprobCollector()

    def feed(self, chunk: Any, stats: GenerationStats, started: float) -> bool:
        """Take one chunk; False once the answer is long enough (the caller stops reading)."""
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.usage_tokens = usage.completion_tokens
            stats.prompt_tokens = usage.prompt_tokens or stats.prompt_tokens
        for choice in getattr(chunk, "choices", None) or []:
            self._feed_logprobs(getattr(choice, "logprobs", None))
            text = choice.delta.content if choice.delta is not None else None
            if text:
                if stats.time_to_first_token is None:
                    stats.time_to_first_token = time.perf_counter() - started
                self.chunks += 1
                self._emit(self._filter.feed(str(text)))
            if choice.finish_reason:
                self.finish_reason = str(choice.finish_reason)
        # One chunk is one token on every server measured; more is a server ignoring max_tokens.
        self.over_limit = self.over_limit or self.chunks > self.limit
        return not self.over_limit

    def _feed_logprobs(self, logprobs: Any) -> None:
        """Malformed token data costs the marks, never the answer."""
        if self._collector is None:
            return
        try:
            self._collector.feed(logprobs)
        except (TypeError, ValueError, AttributeError, OverflowError):
            self._collector = None

    def _emit(self, text: str) -> None:
        room = self.max_chars - self.chars
        if len(text) > room:
            text, self.over_limit = text[: max(room, 0)], True
        if text:
            self.chars += len(text)
            self.pieces.append(text)
            if self.on_chunk is not None:
                self.on_chunk(text)

    def finish(self) -> None:
        self._emit(self._filter.finish())

    def tokens(self, answer: str) -> tuple[TokenInfo, ...]:
        return () if self._collector is None else self._collector.tokens(answer)


def image_data_url(image: Any) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ServerBackend:
    """Streams answers from /v1/chat/completions; cancel closes the stream."""

    def __init__(self, options: ServerOptions) -> None:
        from openai import OpenAI, Timeout

        settle_triton("cpu")  # the image path imports torchvision; a server needs no torch compiling
        self.options = options
        self.url = options.shown_url
        check_url(options.url)
        timeout = Timeout(options.timeout, connect=min(CONNECT_TIMEOUT_S, options.timeout))
        try:
            self.client = OpenAI(
                base_url=options.url.rstrip("/"),
                api_key=options.key(),
                timeout=timeout,
                max_retries=0,
                http_client=abortable_http_client(timeout),
            )
        except Exception as error:  # noqa: BLE001 - a URL httpx cannot use: one line
            raise _translate(error, self.url, options.timeout) from None
        self.model = options.model or self._only_model()
        # None: a model without a profile, asked the app's instructions as they are.
        self.profile: ModelProfile | None = profile_for_model(self.model)

    def warm_up(self, cancel: CancelToken | None = None) -> None:
        """Nothing to do: the server keeps its model loaded and warm."""

    def describe(self) -> str:
        return f"{self.model} · {self.url}"

    def identity(self) -> BackendIdentity:
        return BackendIdentity(str(self.model), "server")

    def list_models(self, cancel: CancelToken | None = None) -> list[str]:
        """The ids the server serves (GET /v1/models)."""
        cancel = cancel or CancelToken()
        try:
            with abortable(cancel):
                return [model.id for model in self.client.models.list()]
        except Exception as error:  # noqa: BLE001 - every failure becomes one clear line
            if cancel.cancelled:
                raise ServerError(f"{self.url}: cancelled while listing its models") from None
            raise _translate(error, self.url, self.options.timeout) from None

    def _only_model(self) -> str:
        models = self.list_models()
        if len(models) == 1:
            return models[0]
        if not models:
            raise ServerError(f"{self.url} serves no model")
        raise ServerError(f"{self.url} serves several models: {', '.join(models)}", Hint.CHOOSE_SERVER_MODEL)

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
        limit = max_new_tokens or self.options.max_new_tokens
        reader = _StreamReader(limit, on_chunk)
        if cancel.cancelled:
            return self._finish(conversation, "", stats, started, StopReason.CANCELLED)
        stream: Any = None
        try:
            with abortable(cancel):
                stream = self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    stream=True,
                    temperature=0,
                    max_tokens=limit,
                    # Token probabilities for the marks (vLLM, llama.cpp give them; a server that
                    # ignores the fields just gives none).
                    logprobs=True,
                    top_logprobs=ALTERNATIVES,
                )
                self._check_event_stream(stream)
                for chunk in stream:
                    if cancel.cancelled or not reader.feed(chunk, stats, started):
                        break
        except Exception as error:  # noqa: BLE001 - aborted by cancel, or a server/network failure
            if not cancel.cancelled:
                raise _translate(error, self.url, self.options.timeout) from None
        finally:
            if stream is not None:
                stream.close()
        reader.finish()
        stats.new_tokens = reader.usage_tokens if reader.usage_tokens is not None else reader.chunks
        if cancel.cancelled:
            reason = StopReason.CANCELLED
        elif reader.over_limit or reader.finish_reason == "length":
            reason = StopReason.MAX_TOKENS
        elif reader.finish_reason is None:
            raise ServerError(
                f"{self.url}: the answer was cut off (the stream ended without finish_reason "
                f"or [DONE] after {reader.chunks} pieces); not kept"
            )
        else:
            reason = StopReason.END
        text = "".join(reader.pieces)
        cleaned = text if self.profile is None else self.profile.clean_answer(text)
        answer = self._finish(conversation, cleaned, stats, started, reason)
        return replace(answer, tokens=reader.tokens(answer.text) if cleaned == text else ())

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
        own = self.profile.prompt_image(conversation.turns[0].question)
        if own is not None:  # the card's enlargement for this prompt; the server's processor caps it
            picture = own.prepare(picture)
        # The server's processor resizes: the visual tokens are its to count.
        return GenerationStats(original_size=conversation.image.size, resized_size=picture.size), picture

    def _check_event_stream(self, stream: Any) -> None:
        """An HTML page or a plain JSON body is not an answer, whatever its HTTP status says."""
        response = getattr(stream, "response", None)
        kind = response.headers.get("content-type", "") if response is not None else ""
        if response is not None and "text/event-stream" not in kind.lower():
            shown = one_line(Exception(kind.split(";")[0].strip() or "no Content-Type"), 80)
            raise ServerError(
                f"{self.url} answered with {shown}, not an OpenAI event stream", Hint.CHECK_SERVER_URL
            )

    @staticmethod
    def _finish(
        conversation: Conversation, text: str, stats: GenerationStats, started: float, reason: StopReason
    ) -> Answer:
        stats.total_time = time.perf_counter() - started
        stats.stop_reason = reason
        if reason is not StopReason.CANCELLED:
            conversation.answer(text)
        return Answer(text, stats)


def check_url(url: str) -> None:
    """A URL the client can use: http(s), a host, brackets closed; else one clear line."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise ServerError(f"not a usable server URL: {redact(url)} ({one_line(error)})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerError(
            f"not a usable server URL: {redact(url)} (expected http://HOST:PORT/v1)", Hint.CHECK_SERVER_URL
        )


def _translate(error: Exception, url: str, timeout: float) -> EngineError:
    """One line a user can act on, for whatever the client raised; no password in it."""
    translated = _translate_raw(error, url, timeout)
    message = redact(str(translated))
    if message != str(translated):
        translated = type(translated)(message, translated.hint)
    return translated


def _translate_raw(error: Exception, url: str, timeout: float) -> EngineError:
    import httpx2
    import openai

    if isinstance(error, EngineError):
        return error
    if isinstance(error, openai.APITimeoutError):
        if isinstance(error.__cause__, httpx2.ConnectTimeout):
            return ServerError(f"cannot connect to {url} (no answer in {CONNECT_TIMEOUT_S:g} s)")
        return ServerError(f"{url} sent nothing for {timeout:g} s", Hint.RAISE_SERVER_TIMEOUT)
    if isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        if isinstance(cause, httpx2.RemoteProtocolError | httpx2.ReadError):
            return ServerError(f"{url} broke off the answer ({one_line(cause)})")
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
    if isinstance(error, httpx2.InvalidURL | httpx2.UnsupportedProtocol):
        return ServerError(f"not a usable server URL: {url} ({one_line(error)})", Hint.CHECK_SERVER_URL)
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
