"""Failures as a kind (an enum) plus a message, and how the window words them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..engine.errors import (
    EngineError,
    GenerationError,
    Hint,
    ImageError,
    ModelLoadError,
    ModelNotFoundError,
    OutOfMemoryError,
)


class FailureKind(str, Enum):
    MODEL_NOT_FOUND = "model not found"
    MODEL_LOAD = "model load"
    MODEL_NOT_LOADED = "model not loaded"
    OUT_OF_MEMORY = "out of memory"
    IMAGE = "image"
    SERVER = "server"
    GENERATION = "generation"


@dataclass(frozen=True)
class Failure:
    """What went wrong: a kind for the rules, a one-line message and a hint for the user."""

    kind: FailureKind
    message: str
    hint: Hint | None = None


def failure_from(error: BaseException, default: FailureKind) -> Failure:
    """The Failure for an exception the worker caught."""
    if not isinstance(error, EngineError):
        return Failure(default, f"{type(error).__name__}: {error}")
    from ..engine.server import ServerError

    kinds: list[tuple[type[EngineError], FailureKind]] = [
        (ModelNotFoundError, FailureKind.MODEL_NOT_FOUND),
        (OutOfMemoryError, FailureKind.OUT_OF_MEMORY),
        (ModelLoadError, FailureKind.MODEL_LOAD),
        (ImageError, FailureKind.IMAGE),
        (ServerError, FailureKind.SERVER),
        (GenerationError, FailureKind.GENERATION),
    ]
    kind = next((k for cls, k in kinds if isinstance(error, cls)), default)
    return Failure(kind, str(error), error.hint)


# How the window words each hint: it points at Settings, never at command-line flags.
HINT_WORDS = {
    Hint.LOWER_MAX_PIXELS: "Lower the maximum pixels in Settings (fewer visual tokens).",
    Hint.TRY_CPU: "Choose the CPU, or a smaller dtype, in Settings.",
    Hint.CHOOSE_MODEL_FOLDER: (
        "Choose a downloaded model folder in Settings, or connect to the internet once so that "
        "the model can be downloaded."
    ),
    Hint.CHOOSE_DEVICE: "Choose another device in Settings.",
    Hint.CHOOSE_SERVER_MODEL: "Name the server's model in Settings.",
    Hint.SET_API_KEY: "Enter the server's API key in Settings.",
    Hint.CHECK_SERVER_URL: "Check the server's URL and model in Settings.",
    Hint.RAISE_SERVER_TIMEOUT: "Raise the server timeout in Settings if its prefill takes longer.",
    Hint.RAISE_PIXEL_BUDGET: "Raise the maximum pixels in Settings.",
    Hint.GIVE_PASSWORD: "Open it again and enter its password when asked.",
    Hint.LOWER_DPI: "Open it again with a lower dpi, or none (pages then fit the pixel budget).",
    Hint.GIVE_SERVER_URL: "Enter the server's URL in Settings.",
}


@dataclass(frozen=True)
class Wording:
    title: str
    message: str
    hint: str
    offer_settings: bool  # the dialog gets a "Settings…" button
    quiet: bool = False  # a status-bar line is enough, no dialog


def word_load_failure(failure: Failure) -> Wording:
    fallback = {
        FailureKind.MODEL_NOT_FOUND: HINT_WORDS[Hint.CHOOSE_MODEL_FOLDER],
        FailureKind.OUT_OF_MEMORY: HINT_WORDS[Hint.TRY_CPU],
    }.get(failure.kind, "Check the model folder or the server in Settings.")
    hint = HINT_WORDS[failure.hint] if failure.hint is not None else fallback
    return Wording("The model could not be loaded", failure.message, hint, offer_settings=True)


def word_run_failure(failure: Failure) -> Wording:
    if failure.kind is FailureKind.IMAGE:
        return Wording("Image refused", failure.message, "", offer_settings=False, quiet=True)
    if failure.kind is FailureKind.OUT_OF_MEMORY:
        return Wording(
            "Out of memory",
            failure.message,
            HINT_WORDS[Hint.LOWER_MAX_PIXELS] + " Or use a smaller dtype.",
            offer_settings=True,
        )
    hint = HINT_WORDS[failure.hint] if failure.hint is not None else ""
    return Wording(
        "Recognition failed",
        failure.message,
        (hint + " " if hint else "") + "The image and question are kept: try again.",
        offer_settings=failure.hint is not None,
    )
