"""The inference engine: no Qt here, and torch is imported only when a model is loaded."""

from .backend import Answer, Backend, CancelToken, ChunkCallback
from .conversation import Conversation, Turn
from .download import DownloadProgress, locate_model
from .errors import (
    EngineError,
    GenerationError,
    Hint,
    ImageError,
    ModelLoadError,
    ModelNotFoundError,
    OutOfMemoryError,
)
from .images import ImageSource, PreparedImage, load_image, prepare_image
from .local import LocalBackend, load_backend
from .options import DEFAULT_MODEL, EngineOptions, PixelBudget, default_model
from .prompts import Mode, prompt_for
from .stats import GenerationStats, StopReason

__all__ = [
    "DEFAULT_MODEL",
    "Answer",
    "Backend",
    "CancelToken",
    "ChunkCallback",
    "Conversation",
    "DownloadProgress",
    "EngineError",
    "EngineOptions",
    "GenerationError",
    "GenerationStats",
    "Hint",
    "ImageError",
    "ImageSource",
    "LocalBackend",
    "Mode",
    "ModelLoadError",
    "ModelNotFoundError",
    "OutOfMemoryError",
    "PixelBudget",
    "PreparedImage",
    "StopReason",
    "Turn",
    "default_model",
    "load_backend",
    "load_image",
    "locate_model",
    "prepare_image",
    "prompt_for",
]
