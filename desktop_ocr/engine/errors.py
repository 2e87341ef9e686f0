"""Errors the engine raises; each one's message is a single line a user can act on."""


def one_line(error: BaseException, limit: int = 300) -> str:
    """An exception's first line (or its type's name), for one-line messages."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:limit]


class EngineError(Exception):
    """Base of every failure the engine reports to a user."""


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
