"""The OpenVINO backend: a model of a family OpenVINO runs (Qwen2-VL, Qwen2.5-VL, Qwen3-VL),
converted to OpenVINO IR and run by OpenVINO GenAI's VLMPipeline.

On a CPU it decodes ~3× faster than transformers fp32 (int8 weights, measured on the 2B
model; see README "Speed"). The question, the image and the answer follow the family's
profile as the transformers backend does: the image is resized with the app's pixel budget
first, as the family's card resizes it (engine/openvino_images.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .backend import Answer, BackendIdentity, CancelToken, ChunkCallback
from .conversation import Conversation
from .download import DownloadProgress, locate_model
from .errors import GenerationError, Hint, ModelLoadError, OutOfMemoryError, one_line
from .families import DEFAULT_PROFILE, QWEN_VL_UTILS, ModelProfile
from .family_images import patch_pixels
from .family_inputs import family_messages
from .openvino_convert import ConvertProgress, convert
from .openvino_images import OpenVINOImage, open_image_bounds, processor_resized_image, qwen_vl_utils_image
from .options import DType, EngineOptions, PixelBudget
from .repetition import is_runaway
from .stats import GenerationStats, StopReason
from .triton_guard import settle_triton

# GenAI's placeholder for the n-th image of a chat history.
IMAGE_TAG = "<ov_genai_image_0>"
WARM_UP_SIZE = (224, 56)
WARM_UP_TOKENS = 4


def compute_precision(dtype: DType) -> dict[str, str]:
    """The CPU plugin's inference precision for a `dtype` setting, as VLMPipeline properties.

    Left alone ("auto"), OpenVINO computes in bf16 on CPUs with native bf16 (AVX512-BF16, AMX)
    and in f32 elsewhere, so the same weights answer differently from one CPU to another;
    float32 pins f32, the precision whose answers match transformers fp32 on every CPU.
    float16 keeps the plugin's default: the CPU plugin computes f16 only on a few server CPUs.
    """
    hints = {"float32": "f32", "bfloat16": "bf16"}
    return {"INFERENCE_PRECISION_HINT": hints[dtype]} if dtype in hints else {}


def openvino_available() -> bool:
    """Whether the OpenVINO GenAI runtime (the `openvino` extra) is installed."""
    from importlib.util import find_spec

    return find_spec("openvino_genai") is not None


def require_openvino_family(path: Path, model: str) -> ModelProfile:
    """The model's profile; one line, before any conversion, for a family OpenVINO cannot export."""
    from .families import profile_for_folder

    profile = profile_for_folder(path, model)
    if not profile.openvino:
        raise ModelLoadError(f"OpenVINO cannot run {profile.name} models: {profile.why_not_openvino}")
    return profile


class OpenVINOBackend:
    """Loads (converting once if needed) the IR and answers one conversation turn at a time."""

    def __init__(
        self,
        options: EngineOptions,
        download_progress: DownloadProgress | None = None,
        status: Callable[[str], None] | None = None,
        convert_progress: ConvertProgress | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        say = status or (lambda _message: None)
        settle_triton("cpu")  # the image path imports torchvision; OpenVINO compiles no torch code
        if not openvino_available():
            raise ModelLoadError('the OpenVINO backend needs: pip install "desktop-ocr[openvino]"')
        import openvino_genai

        self.options = options
        self.warm_ups = 0  # finished warm_up() calls
        # An IR folder handed in (tests, bench) is the default model's.
        self.profile: ModelProfile = DEFAULT_PROFILE
        # The family's own processor, where its card lets the processor resize the image.
        self.processor: Any = None
        if folder is None:
            self.path = locate_model(options.model, download_progress)
            self.profile = require_openvino_family(self.path, options.model)
            folder = convert(self.path, options.weights, convert_progress or say)
            if self.profile.image_flow != QWEN_VL_UTILS:
                self.processor = _load_processor(self.path, options.model)
                open_image_bounds(folder, patch_pixels(self.processor))
        self.folder = folder
        say(f"loading {options.model} with OpenVINO ({options.weights})")
        try:
            self.pipeline = openvino_genai.VLMPipeline(str(folder), "CPU", **compute_precision(options.dtype))
        except Exception as error:  # noqa: BLE001 - every loader failure is reported in one line
            raise ModelLoadError(f"cannot load the OpenVINO model in {folder}: {one_line(error)}") from None
        self.tokenizer = self.pipeline.get_tokenizer()

    def describe(self) -> str:
        return f"{self.options.model} · cpu · OpenVINO {self.options.weights}"

    def identity(self) -> BackendIdentity:
        return BackendIdentity(self.options.model, "openvino", "cpu", self.options.weights)

    def generate(
        self,
        conversation: Conversation,
        on_chunk: ChunkCallback | None = None,
        cancel: CancelToken | None = None,
        *,
        budget: PixelBudget | None = None,
        max_new_tokens: int | None = None,
    ) -> Answer:
        """As LocalBackend.generate. Cancel takes effect at the next token: GenAI offers no
        hook inside the prefill, so a cancel during the prefill waits for the first token."""
        import numpy as np
        import openvino

        started = time.perf_counter()
        cancel = cancel or CancelToken()
        budget = budget or self.options.budget
        max_new_tokens = max_new_tokens or self.options.max_new_tokens
        # The whole conversation as one templated prompt: each call stands alone (GenAI's
        # ChatHistory input keeps state between calls and rejects a re-sent image).
        messages = family_messages(conversation, self.profile, {"type": "image"})
        prompt = self.tokenizer.apply_chat_template(_flatten(messages), add_generation_prompt=True)
        image = self._image(conversation, budget)
        pixels = openvino.Tensor(np.ascontiguousarray(image.pixels[None]))
        stats = GenerationStats(
            original_size=image.original_size,
            resized_size=image.resized_size,
            visual_tokens=image.visual_tokens,
        )
        streamer = _Streamer(self.tokenizer, on_chunk, cancel, started, stats)
        config = self.pipeline.get_generation_config()
        # Greedy, keeping the shipped repetition_penalty, as the transformers backend does.
        config.do_sample = False
        config.max_new_tokens = max_new_tokens
        config.apply_chat_template = False
        if cancel.cancelled:  # nothing to stop inside GenAI's prefill: do not start it
            stats.stop_reason = StopReason.CANCELLED
            stats.total_time = time.perf_counter() - started
            return Answer("", stats)
        try:
            result = self.pipeline.generate(
                prompt, images=[pixels], generation_config=config, streamer=streamer
            )
        except MemoryError:
            raise OutOfMemoryError("out of memory", Hint.LOWER_MAX_PIXELS) from None
        except Exception as error:
            raise GenerationError(f"generation failed: {one_line(error)}") from error
        streamer.flush()
        stats.prompt_tokens = int(result.perf_metrics.get_num_input_tokens())
        stats.new_tokens = len(streamer.token_ids)
        stats.total_time = time.perf_counter() - started
        stats.stop_reason = streamer.reason or (
            StopReason.MAX_TOKENS if stats.new_tokens >= max_new_tokens else StopReason.END
        )
        answer = self.profile.clean_answer(streamer.text())
        if stats.stop_reason is not StopReason.CANCELLED:
            conversation.answer(answer)
        return Answer(answer, stats)

    def _image(self, conversation: Conversation, budget: PixelBudget) -> OpenVINOImage:
        if self.processor is None:
            return qwen_vl_utils_image(conversation.image, budget)
        return processor_resized_image(self.processor, conversation.image, budget, self.profile.name)

    def warm_up(self, cancel: CancelToken | None = None) -> None:
        """One small image through the whole path: the first inference compiles kernels (8-19 s
        on the 2B model), so do it off the GUI thread right after loading."""
        from PIL import Image

        from .prompts import Mode, prompt_for

        image = Image.new("RGB", WARM_UP_SIZE, "white")
        self.generate(
            Conversation.start(image, prompt_for(Mode.TEXT)), None, cancel, max_new_tokens=WARM_UP_TOKENS
        )
        self.warm_ups += 1  # evidence for tests and the bench: the path ran (or was cut short)


def _load_processor(path: Path, model: str) -> Any:
    from transformers import AutoProcessor

    try:
        return AutoProcessor.from_pretrained(path, trust_remote_code=False)
    except Exception as error:  # noqa: BLE001 - every loader failure is reported in one line
        raise ModelLoadError(f"cannot load the processor of {model} from {path}: {one_line(error)}") from None


def _flatten(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Chat messages with string content; the image becomes GenAI's image tag."""
    flat = []
    for message in messages:
        parts = [IMAGE_TAG if part["type"] == "image" else part["text"] for part in message["content"]]
        flat.append({"role": message["role"], "content": "".join(parts)})
    return flat


class _Streamer:
    """GenAI streamer: collects token ids, sends finished text, stops on cancel or runaway."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        import openvino_genai

        class _Impl(openvino_genai.StreamerBase):
            def __init__(self, tokenizer: Any, on_chunk: ChunkCallback | None, cancel: CancelToken,
                         started: float, stats: GenerationStats) -> None:  # fmt: skip
                super().__init__()
                self.tokenizer = tokenizer
                self.on_chunk = on_chunk
                self.cancel = cancel
                self.started = started
                self.stats = stats
                self.token_ids: list[int] = []
                self.sent = 0
                self.reason: StopReason | None = None

            def write(self, token: Any) -> Any:
                status = openvino_genai.StreamingStatus
                if self.cancel.cancelled:  # the token that ends the prefill is dropped too
                    self.reason = StopReason.CANCELLED
                    return status.STOP
                if self.stats.time_to_first_token is None:
                    self.stats.time_to_first_token = time.perf_counter() - self.started
                self.token_ids.extend([token] if isinstance(token, int) else list(token))
                text = self.text()
                # Hold back a trailing partial UTF-8 character until its bytes arrive.
                if not text.endswith("\ufffd"):
                    self._send(text)
                if is_runaway(self.token_ids):
                    self.reason = StopReason.REPETITION
                return status.RUNNING if self.reason is None else status.STOP

            def end(self) -> None:
                pass

            def text(self) -> str:
                return str(self.tokenizer.decode(self.token_ids, skip_special_tokens=True))

            def flush(self) -> None:
                self._send(self.text())

            def _send(self, text: str) -> None:
                if len(text) > self.sent and self.on_chunk is not None:
                    self.on_chunk(text[self.sent :])
                self.sent = max(self.sent, len(text))

        return _Impl(*args, **kwargs)


def load_openvino_backend(
    options: EngineOptions,
    download_progress: DownloadProgress | None = None,
    status: Callable[[str], None] | None = None,
) -> OpenVINOBackend:
    return OpenVINOBackend(options, download_progress, status)
