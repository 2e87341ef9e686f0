"""The local transformers backend: any profiled model family on this machine's GPU or CPU."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .backend import Answer, BackendIdentity, CancelToken, ChunkCallback
from .confidence import ProbabilityRecorder, TokenInfo, token_texts
from .conversation import Conversation
from .devices import dtype_name, resolve_device, resolve_dtype
from .download import DownloadProgress, locate_model
from .errors import EngineError, GenerationError, Hint, ModelLoadError, OutOfMemoryError, one_line
from .families import QWEN_VL_UTILS, ModelProfile, profile_for_folder
from .family_inputs import build_inputs
from .options import (
    MAX_BUDGET_TOKENS,
    MIN_BUDGET_TOKENS,
    PIXELS_PER_TOKEN,
    EngineOptions,
    PixelBudget,
)
from .repetition import is_runaway
from .stats import GenerationStats, StopReason
from .triton_guard import settle_triton, why_no_triton

if TYPE_CHECKING:
    import torch

# The widest budget the engine accepts (qwen-vl-utils' 4..16384 tokens). The processor is
# given these bounds so that it never resizes the picture qwen-vl-utils already sized.
PROCESSOR_SIZE = {
    "shortest_edge": MIN_BUDGET_TOKENS * PIXELS_PER_TOKEN,
    "longest_edge": MAX_BUDGET_TOKENS * PIXELS_PER_TOKEN,
}


# warm_up(): a small white strip, a few new tokens (enough to run prefill and decode).
WARM_UP_SIZE = (224, 56)
WARM_UP_TOKENS = 4
# compile_decode: the static cache holds the prompt and the answer; its length is rounded up
# to a multiple of STATIC_CACHE_STEP so that snips of different sizes share one compiled graph.
STATIC_CACHE_STEP = 1024
MAX_PROMPT_GUESS = 1536

# As the model card's batch_decode.
DECODE_ARGS = {"skip_special_tokens": True, "clean_up_tokenization_spaces": False}


class _Cancelled(Exception):
    """Raised inside the model's forward pass to abandon a cancelled prefill."""


# The cancel token of the generation running on the current thread, read by the hooks.
_active = threading.local()


def _record_logits(module: Any, args: Any, output: Any) -> None:
    recorder: ProbabilityRecorder | None = getattr(_active, "recorder", None)
    if recorder is not None:
        recorder.hook(module, args, output)


def _raise_if_cancelled(_module: Any, _args: Any) -> None:
    import torch

    if torch.compiler.is_compiling():
        return  # a compiled decode step is traced without the check (see _decode_cache)
    token: CancelToken | None = getattr(_active, "token", None)
    if token is not None and token.cancelled:
        raise _Cancelled


class LocalBackend:
    """Loads the model once; answers one conversation turn at a time."""

    # Tests and bench: use the static cache off CUDA too (transformers compiles only on GPUs).
    force_static_cache = False

    def __init__(
        self,
        options: EngineOptions,
        download_progress: DownloadProgress | None = None,
        status: Callable[[str], None] | None = None,
    ) -> None:
        import torch

        self.options = options
        self.warm_ups = 0  # finished warm_up() calls
        say = status or (lambda _message: None)
        self.path = locate_model(options.model, download_progress)
        self.device = resolve_device(options.device)
        self.dtype = resolve_dtype(options.dtype, self.device)
        # Before anything imports torchvision: it imports Triton, which can crash the process.
        self.triton = settle_triton(self.device)
        if self.device == "cuda" and options.compile_decode and not self.triton:
            say(f"decoding without torch.compile: {why_no_triton()}")
        from transformers import AutoModelForImageTextToText, AutoProcessor

        self.profile: ModelProfile = profile_for_folder(self.path, options.model)
        say(f"loading {options.model} on {self.device} ({dtype_name(self.dtype)})")
        try:
            self.model = AutoModelForImageTextToText.from_pretrained(
                self.path,
                dtype=self.dtype,
                attn_implementation="sdpa",
                use_safetensors=True,
                trust_remote_code=False,
                device_map=self.device if self.device != "cpu" else None,
            ).eval()
            self.processor = AutoProcessor.from_pretrained(self.path, trust_remote_code=False)
        except EngineError:
            raise
        except torch.OutOfMemoryError:
            raise OutOfMemoryError(
                f"out of memory loading {options.model} on {self.device}", Hint.TRY_CPU
            ) from None
        except Exception as error:  # noqa: BLE001 - every loader failure is reported in one line
            raise ModelLoadError(f"cannot load {options.model} from {self.path}: {one_line(error)}") from None
        if self.profile.image_flow == QWEN_VL_UTILS:
            self.processor.image_processor.size = dict(PROCESSOR_SIZE)
        self.tokenizer = self.processor.tokenizer
        self._install_cancel_hooks()
        # Token probabilities (issue 13): off only for the overhead benchmark's baseline.
        self.record_tokens = True
        self.model.lm_head.register_forward_hook(_record_logits)

    def describe(self) -> str:
        return f"{self.options.model} ({self.profile.name}) · {self.device} · {dtype_name(self.dtype)}"

    def identity(self) -> BackendIdentity:
        return BackendIdentity(self.options.model, "local", str(self.device), dtype_name(self.dtype))

    def _install_cancel_hooks(self) -> None:
        """Check the cancel token before every vision block and decoder layer.

        A StoppingCriteria only runs after each new token; the prefill (vision encoder and
        prompt) can take a minute on a CPU, and these hooks make cancel work there too.
        """
        for name, module in self.model.named_modules():
            if name.endswith((".blocks", ".layers")) and hasattr(module, "__iter__"):
                for layer in module:
                    layer.register_forward_pre_hook(_raise_if_cancelled)

    def generate(
        self,
        conversation: Conversation,
        on_chunk: ChunkCallback | None = None,
        cancel: CancelToken | None = None,
        *,
        budget: PixelBudget | None = None,
        max_new_tokens: int | None = None,
    ) -> Answer:
        import torch

        started = time.perf_counter()
        cancel = cancel or CancelToken()
        budget = budget or self.options.budget
        max_new_tokens = max_new_tokens or self.options.max_new_tokens
        turn = build_inputs(self.profile, self.processor, conversation, budget)
        inputs = turn.inputs.to(self.model.device)
        prompt_tokens = turn.prompt_tokens
        stats = GenerationStats(
            original_size=turn.original_size,
            resized_size=turn.resized_size,
            visual_tokens=turn.visual_tokens,
            prompt_tokens=prompt_tokens,
        )
        recorder = ProbabilityRecorder() if self.record_tokens else None
        streamer = _ChunkStreamer(self.tokenizer, on_chunk, started, stats, recorder)
        guard = _StopGuard(cancel, prompt_tokens)
        _active.token = cancel
        _active.recorder = recorder
        try:
            with torch.inference_mode():
                output = self.model.generate(
                    **inputs,
                    **self._greedy(max_new_tokens),
                    streamer=streamer,
                    stopping_criteria=[guard],
                )
            new_ids = output[0, prompt_tokens:]
        except _Cancelled:
            streamer.end()
            new_ids = torch.tensor(streamer.token_ids, dtype=torch.long)
            guard.reason = StopReason.CANCELLED
        except torch.OutOfMemoryError:
            raise OutOfMemoryError(
                f"out of memory on {self.device} for a {stats.visual_tokens}-token image",
                Hint.LOWER_MAX_PIXELS,
            ) from None
        except MemoryError:
            raise OutOfMemoryError("out of memory", Hint.LOWER_MAX_PIXELS) from None
        except Exception as error:
            raise GenerationError(f"generation failed: {one_line(error)}") from error
        finally:
            _active.token = None
            _active.recorder = None
        decoded = self.tokenizer.decode(new_ids, **DECODE_ARGS)
        answer = self.profile.clean_answer(decoded)
        stats.new_tokens = len(streamer.token_ids)
        stats.total_time = time.perf_counter() - started
        stats.stop_reason = guard.reason or (
            StopReason.MAX_TOKENS if stats.new_tokens >= max_new_tokens else StopReason.END
        )
        if stats.stop_reason is not StopReason.CANCELLED:
            conversation.answer(answer)
        # Probabilities line up with the decoded text; where cleaning cut it, none are given.
        tokens = self._token_infos(recorder, answer) if recorder is not None and answer == decoded else ()
        return Answer(answer, stats, tokens)

    def _token_infos(self, recorder: ProbabilityRecorder, answer: str) -> tuple[TokenInfo, ...]:
        """The recorded steps with their texts; a final end token is left out."""
        ids = recorder.ids
        end_ids = self.model.generation_config.eos_token_id
        end_ids = set(end_ids if isinstance(end_ids, list) else [end_ids])
        if ids and ids[-1] in end_ids:
            ids = ids[:-1]

        def decode(part: Any) -> str:
            return str(self.tokenizer.decode(list(part), **DECODE_ARGS))

        texts = token_texts(decode, ids, answer)
        return tuple(recorder.tokens(texts, lambda token_id: decode([token_id])))

    def _greedy(self, max_new_tokens: int) -> dict[str, Any]:
        """Greedy decoding over the shipped generation_config, whatever it says about sampling.

        The default model's config samples with top_k 1 (greedy in effect); its
        repetition_penalty (1.05) is kept, as the model card's generate(do_sample=False) keeps it.
        The KV cache is always on: PaddleOCR-VL's generation_config turns it off, which would
        re-read the whole prompt, image included, for every new token.
        """
        return {
            "do_sample": False,
            "temperature": None,
            "top_p": None,
            "top_k": None,
            "use_cache": True,
            "max_new_tokens": max_new_tokens,
            **self._decode_cache(max_new_tokens),
        }

    def _decode_cache(self, max_new_tokens: int) -> dict[str, Any]:
        """A static KV cache on CUDA (or when asked), which transformers compiles for decode.

        The default dynamic cache costs Python overhead per token that a GPU notices; with a
        static cache, generate() runs the decode step through torch.compile. The cache is
        sized in whole STATIC_CACHE_STEP blocks so that one compiled graph serves most snips.
        """
        if not self.compile_decode:
            return {}
        needed = MAX_PROMPT_GUESS + max_new_tokens
        length = -(-needed // STATIC_CACHE_STEP) * STATIC_CACHE_STEP
        return {"cache_implementation": "static", "max_cache_len": length}

    @property
    def compile_decode(self) -> bool:
        """Static cache + compiled decode: on CUDA unless the option turns it off."""
        compiled = self.options.compile_decode and self.device == "cuda" and self.triton
        return self.force_static_cache or compiled

    def warm_up(self, cancel: CancelToken | None = None) -> None:
        """Run a small image through the whole path once, so the first real snip is not cold.

        It pages in the weights, builds the kernels (and, with compile_decode, compiles the
        decode step). Call it off the GUI thread right after loading; it takes one short
        generation. The conversation it uses is thrown away.
        """
        from PIL import Image

        from .prompts import Mode, prompt_for

        image = Image.new("RGB", (WARM_UP_SIZE), "white")
        self.generate(
            Conversation.start(image, prompt_for(Mode.TEXT)), None, cancel, max_new_tokens=WARM_UP_TOKENS
        )
        self.warm_ups += 1  # evidence for tests and the bench: the path ran (or was cut short)


class _StopGuard:
    """Stops on cancel (after the current token) or on runaway repetition."""

    def __init__(self, cancel: CancelToken, prompt_tokens: int) -> None:
        self.cancel = cancel
        self.prompt_tokens = prompt_tokens
        self.reason: StopReason | None = None

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        import torch

        if self.cancel.cancelled:
            self.reason = StopReason.CANCELLED
        elif is_runaway(input_ids[0, self.prompt_tokens :].tolist()):
            self.reason = StopReason.REPETITION
        done = self.reason is not None
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)


class _ChunkStreamer:
    """transformers' TextStreamer logic, sending each finished piece of text to a callback."""

    def __init__(
        self,
        tokenizer: Any,
        on_chunk: ChunkCallback | None,
        started: float,
        stats: GenerationStats,
        recorder: ProbabilityRecorder | None = None,
    ) -> None:
        from transformers import TextStreamer

        outer = self

        class _Streamer(TextStreamer):
            def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
                if text and on_chunk is not None:
                    on_chunk(text)

            def put(self, value: Any) -> None:
                if not self.next_tokens_are_prompt:
                    outer._on_token(value)
                super().put(value)

        self._streamer = _Streamer(tokenizer, skip_prompt=True, **DECODE_ARGS)
        self.started = started
        self.stats = stats
        self.recorder = recorder
        self.token_ids: list[int] = []

    def _on_token(self, value: Any) -> None:
        if self.stats.time_to_first_token is None:
            self.stats.time_to_first_token = time.perf_counter() - self.started
        new = value.reshape(-1).tolist()
        self.token_ids.extend(new)
        if self.recorder is not None:
            for token_id in new:  # one per step (batch of one)
                self.recorder.on_token(token_id)

    def put(self, value: Any) -> None:
        self._streamer.put(value)

    def end(self) -> None:
        self._streamer.end()


def load_backend(
    options: EngineOptions,
    download_progress: DownloadProgress | None = None,
    status: Callable[[str], None] | None = None,
) -> LocalBackend:
    """Locate (downloading if needed) and load the model named in `options`."""
    return LocalBackend(options, download_progress, status)


def quiet_libraries() -> None:
    """Silence transformers' and the hub's own progress bars and warnings; the app reports its own."""
    from huggingface_hub.utils import disable_progress_bars
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    disable_progress_bars()
