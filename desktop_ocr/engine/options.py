"""User-facing engine settings and their defaults, shared by the CLI and the window."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_MODEL = "prithivMLmods/Qwen2-VL-OCR-2B-Instruct"
MODEL_ENV_VAR = "DESKTOP_OCR_MODEL"

Device = Literal["auto", "cpu", "cuda", "mps"]
DType = Literal["auto", "bfloat16", "float16", "float32"]
DEVICES: tuple[Device, ...] = ("auto", "cpu", "cuda", "mps")
DTYPES: tuple[DType, ...] = ("auto", "bfloat16", "float16", "float32")
# Which runtime answers: see engine/backends.py for what "auto" picks.
BackendName = Literal["auto", "transformers", "openvino", "server"]
BACKENDS: tuple[BackendName, ...] = ("auto", "transformers", "openvino", "server")
# Weight format of a converted (OpenVINO) model; transformers uses `dtype` instead.
WeightFormat = Literal["fp16", "int8", "int4"]
WEIGHT_FORMATS: tuple[WeightFormat, ...] = ("fp16", "int8", "int4")
# int8: 3.5-4× transformers fp32 decode at equal TTFT on the 2B model (issue 9's table); to be
# confirmed by bench/speed.py on the real-size model (fp16 is the identical-output choice).
DEFAULT_WEIGHTS: WeightFormat = "int8"

# One visual token covers a 28×28 px square (14 px patches, merged 2×2).
PIXELS_PER_TOKEN = 28 * 28
# 128 tokens: a 300×60 px word is upscaled 2.4× (to 728×168 px, 156 tokens) so that small
# screen text is legible to the model, at ~3 s to the first token on a 2-core CPU.
DEFAULT_MIN_PIXELS = 128 * PIXELS_PER_TOKEN
# 1280 tokens: a 1920×1080 screen becomes 1316×728 px (1,222 tokens) and an A4 page at
# 150 dpi 840×1176 px; the model card's suggested cap, and ~50 s to the first token on CPU.
DEFAULT_MAX_PIXELS = 1280 * PIXELS_PER_TOKEN
DEFAULT_MAX_NEW_TOKENS = 1024
# qwen-vl-utils' own bounds on an image's visual tokens.
MIN_BUDGET_TOKENS = 4
MAX_BUDGET_TOKENS = 16384


def default_model() -> str:
    """The model to use when none is given: $DESKTOP_OCR_MODEL, else the hub default."""
    return os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL


@dataclass(frozen=True)
class PixelBudget:
    """Bounds on the resized image area, as qwen-vl-utils' min_pixels / max_pixels."""

    min_pixels: int = DEFAULT_MIN_PIXELS
    max_pixels: int = DEFAULT_MAX_PIXELS

    def __post_init__(self) -> None:
        low, high = MIN_BUDGET_TOKENS * PIXELS_PER_TOKEN, MAX_BUDGET_TOKENS * PIXELS_PER_TOKEN
        for name, value in (("min_pixels", self.min_pixels), ("max_pixels", self.max_pixels)):
            if not low <= value <= high:
                raise ValueError(
                    f"{name} must be between {low:,} and {high:,} "
                    f"({MIN_BUDGET_TOKENS} to {MAX_BUDGET_TOKENS} visual tokens of 28×28 px)"
                )
        if self.max_pixels < self.min_pixels:
            raise ValueError("max_pixels must not be smaller than min_pixels")

    @property
    def min_tokens(self) -> int:
        return self.min_pixels // PIXELS_PER_TOKEN

    @property
    def max_tokens(self) -> int:
        return self.max_pixels // PIXELS_PER_TOKEN


@dataclass(frozen=True)
class EngineOptions:
    """Everything that decides how the model is loaded and run."""

    model: str = field(default_factory=default_model)
    device: Device = "auto"
    dtype: DType = "auto"
    budget: PixelBudget = field(default_factory=PixelBudget)
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    # CUDA: a static KV cache with a torch.compile'd decode step (same greedy tokens, faster).
    compile_decode: bool = True
    backend: BackendName = "auto"
    weights: WeightFormat = DEFAULT_WEIGHTS

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}")
        if self.weights not in WEIGHT_FORMATS:
            raise ValueError(f"weights must be one of {', '.join(WEIGHT_FORMATS)}")
        if self.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
