"""The command line's flags, and the options they describe."""

from __future__ import annotations

import argparse

from .. import __version__
from ..engine import options as defaults
from ..engine.prompts import Mode
from ..engine.server import API_KEY_ENV

CAPTURE_HANDLERS = ("qt", "mss", "portal", "grim", "spectacle")
OUTPUT_FORMATS = ("text", "json")
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-ocr",
        description="Turn images or screen regions into text, Markdown and LaTeX with a local "
        "vision-language model. Without --cli the window opens.",
    )
    parser.add_argument("images", nargs="*", metavar="IMAGE", help="image files; - reads stdin")
    parser.add_argument("--cli", action="store_true", help="stream the answers to stdout, no window")
    ask = parser.add_mutually_exclusive_group()
    ask.add_argument(
        "--mode",
        choices=[mode.value for mode in Mode],
        default=None,
        help="what to recognise (default: text)",
    )
    ask.add_argument("--prompt", metavar="TEXT", help="ask this instead of a mode's instruction")
    parser.add_argument(
        "--model",
        default=None,
        help=f"hub id or local folder (default: ${defaults.MODEL_ENV_VAR}, else {defaults.DEFAULT_MODEL})",
    )
    parser.add_argument("--device", choices=defaults.DEVICES, default=None, help="default: auto")
    parser.add_argument("--dtype", choices=defaults.DTYPES, default=None, help="default: auto")
    parser.add_argument(
        "--max-new-tokens",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"longest answer in tokens (default {defaults.DEFAULT_MAX_NEW_TOKENS})",
    )
    parser.add_argument(
        "--min-pixels",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"smaller images are upscaled to this area (default {defaults.DEFAULT_MIN_PIXELS:,})",
    )
    parser.add_argument(
        "--max-pixels",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"larger images are downscaled to this area (default {defaults.DEFAULT_MAX_PIXELS:,})",
    )
    parser.add_argument("--verbose", action="store_true", help="print loading steps and stats to stderr")
    # --- stdout format (issue 13: token probabilities) ----------------------------------------
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default="text",
        help="text: the answers as they stream (default); json: one JSON object per image and line, "
        "with every token's probability",
    )
    # --- end of stdout format -------------------------------------------------------------------
    remote = parser.add_argument_group("server (any OpenAI-compatible endpoint)")
    remote.add_argument(
        "--server", metavar="URL", help="e.g. http://127.0.0.1:8000/v1; no local model is loaded"
    )
    remote.add_argument("--server-model", metavar="NAME", help="default: the server's only model")
    remote.add_argument("--api-key", metavar="KEY", help=f"default: ${API_KEY_ENV}")
    remote.add_argument(
        "--jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="with --server: N images at a time (default 1)",
    )
    window = parser.add_argument_group("window")
    window.add_argument(
        "--snip",
        action="store_true",
        help="start by snipping a screen region (a running instance does it, with its model warm)",
    )
    window.add_argument(
        "--capture-handler",
        metavar="NAME",
        help="force a screen capture method: qt, mss, portal, grim or spectacle",
    )
    window.add_argument("--quit", action="store_true", help="ask the running instance to quit")
    parser.add_argument("--version", action="version", version=f"desktop-ocr {__version__}")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


# Flags the window also takes; None means "not given" (the window then uses its settings).
ENGINE_FLAGS = (
    "model",
    "device",
    "dtype",
    "min_pixels",
    "max_pixels",
    "max_new_tokens",
    "mode",
    "capture_handler",
    "server",
    "server_model",
    "api_key",
)


def flags_given(args: argparse.Namespace) -> set[str]:
    return {name for name in ENGINE_FLAGS if getattr(args, name, None) is not None}


def engine_options(args: argparse.Namespace) -> defaults.EngineOptions:
    """The EngineOptions the flags describe, defaults for the rest; ValueError says what is wrong."""
    return defaults.EngineOptions(
        model=args.model or defaults.default_model(),
        device=args.device or "auto",
        dtype=args.dtype or "auto",
        budget=defaults.PixelBudget(
            args.min_pixels or defaults.DEFAULT_MIN_PIXELS, args.max_pixels or defaults.DEFAULT_MAX_PIXELS
        ),
        max_new_tokens=args.max_new_tokens or defaults.DEFAULT_MAX_NEW_TOKENS,
    )


def question(args: argparse.Namespace) -> str:
    from ..engine.prompts import prompt_for

    return args.prompt if args.prompt else prompt_for(args.mode or Mode.TEXT.value)
