"""Errors the engine raises; each one's message is a single line a user can act on.

What the user can do about it is a structured `Hint`, worded by each front end (the CLI names
its flags, the window its Settings), so engine messages never name a front end's controls.
"""

from enum import Enum


class Hint(str, Enum):
    LOWER_MAX_PIXELS = "lower max pixels"
    RAISE_PIXEL_BUDGET = "raise pixel budget"
    TRY_CPU = "try cpu"
    CHOOSE_DEVICE = "choose device"
    CHOOSE_MODEL_FOLDER = "choose model folder"
    CHOOSE_SERVER_MODEL = "choose server model"
    SET_API_KEY = "set api key"
    CHECK_SERVER_URL = "check server url"
    GIVE_PASSWORD = "give password"
    LOWER_DPI = "lower dpi"
    GIVE_SERVER_URL = "give server url"
    RAISE_SERVER_TIMEOUT = "raise server timeout"


def one_line(error: BaseException, limit: int = 300) -> str:
    """An exception's first line (or its type's name), for one-line messages."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:limit]


class EngineError(Exception):
    """Base of every failure the engine reports to a user."""

    def __init__(self, message: str = "", hint: Hint | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class ModelNotFoundError(EngineError):
    """The model is neither a readable folder nor in the cache, and cannot be downloaded."""


class ModelLoadError(EngineError):
    """The model files exist but could not be loaded."""


class ImageError(EngineError):
    """The input is not a usable image."""


class GenerationError(EngineError):
    """Generation failed after it started."""


class OutOfMemoryError(GenerationError):
    """The device ran out of memory; a smaller pixel budget usually helps."""
