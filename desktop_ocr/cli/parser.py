"""The command line's flags, and the options they describe."""

from __future__ import annotations

import argparse

from .. import __version__
from ..engine import options as defaults
from ..engine.prompts import Mode
from ..engine.server import API_KEY_ENV, DEFAULT_SERVER_TIMEOUT_S

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
    parser.add_argument(
        "images",
        nargs="*",
        metavar="INPUT",
        help="images, PDFs, multi-page TIFFs or folders of them; - reads an image from stdin",
    )
    parser.add_argument("--cli", action="store_true", help="stream the answers to stdout, no window")
    ask = parser.add_mutually_exclusive_group()
    ask.add_argument(
        "--mode",
        choices=[mode.value for mode in Mode],
        default=None,
        help="what to recognise (default: text)",
    )
    ask.add_argument("--prompt", metavar="TEXT", help="ask this instead of a mode's instruction")
    ask.add_argument(
        "--preset",
        metavar="NAME",
        help="ask a saved prompt preset (Settings → Prompt presets), e.g. 'Table as CSV'",
    )
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
    _add_speed_flags(parser)
    remote = parser.add_argument_group("server (any OpenAI-compatible endpoint)")
    remote.add_argument(
        "--server", metavar="URL", help="e.g. http://127.0.0.1:8000/v1; no local model is loaded"
    )
    remote.add_argument("--server-model", metavar="NAME", help="default: the server's only model")
    remote.add_argument("--api-key", metavar="KEY", help=f"default: ${API_KEY_ENV}")
    remote.add_argument(
        "--server-timeout",
        type=_positive_seconds,
        default=None,
        metavar="S",
        help="give up when the server sends nothing for S seconds (default "
        f"{DEFAULT_SERVER_TIMEOUT_S:g}: a CPU server's prefill of a large image takes minutes); "
        "Ctrl+C ends a wait at once",
    )
    remote.add_argument(
        "--jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="with --server: N images at a time (default 1)",
    )
    history = parser.add_argument_group("history")
    history.add_argument(
        "--history",
        nargs="?",
        const="",
        default=None,
        metavar="QUERY",
        help="print the recorded answers (matching QUERY: each word a prefix), newest first: "
        "ID, time, source, first line",
    )
    history.add_argument("--limit", type=_positive_int, metavar="N", help="with --history: the newest N only")
    history.add_argument(
        "--history-show", type=int, metavar="ID", help="print a recorded answer (the edited text if edited)"
    )
    history.add_argument("--record", action="store_true", help="with --cli: keep each answer in the history")
    _add_document_flags(parser)
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


def _add_document_flags(parser: argparse.ArgumentParser) -> None:
    """PDFs, multi-page TIFFs and folders (--cli)."""
    from ..documents import FORMATS

    docs = parser.add_argument_group("documents and folders (with --cli)")
    docs.add_argument(
        "--pages",
        type=_page_ranges,
        metavar="RANGES",
        help="pages of each document, e.g. 1-3,7 (default: all)",
    )
    docs.add_argument(
        "--dpi",
        type=_dpi,
        metavar="N",
        help="render PDF pages at N dpi (default: straight at the pixel budget's size)",
    )
    docs.add_argument("--password", metavar="TEXT", help="opens encrypted PDFs")
    docs.add_argument(
        "-o",
        "--output",
        metavar="FILE|DIR/",
        help="write the joined document to FILE (format from its extension: .md .txt .html "
        ".jsonl), or one file per input into DIR/",
    )
    docs.add_argument("--save-pages", metavar="DIR", help="also save each rendered page as DIR/NAME-pN.png")
    docs.add_argument("--recursive", action="store_true", help="take folders' sub-folders too")
    docs.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing outputs: -o FILE, --save-pages files, and with -o DIR/ redo inputs "
        "whose output exists",
    )
    # One --format: text|json say how answers go to stdout, md|txt|html|jsonl what -o writes.
    docs.add_argument(
        "--format",
        choices=(*OUTPUT_FORMATS, *FORMATS),
        default=None,
        help="stdout: text (default, as the answers stream) or json (one object per image or page "
        "and line, with every token's probability); with -o: md, txt, html or jsonl (default: .md "
        "in a folder, else the file's extension)",
    )


def check_format(args: argparse.Namespace) -> str | None:
    """What is wrong with --format for these flags (None when nothing)."""
    if args.format in OUTPUT_FORMATS:
        return "--format text|json is for stdout: leave out -o" if args.output else None
    if args.format is not None and not args.output:
        return "--format md|txt|html|jsonl is what -o writes; give -o FILE or -o DIR/"
    if args.output and args.format is None:
        from ..documents import format_of
        from .destinations import is_folder_target

        if not is_folder_target(args.output):
            try:
                format_of(args.output)
            except ValueError as error:
                return f"-o {error}"
    return None


def _page_ranges(text: str) -> object:
    from ..documents import PageRangeError, parse_page_ranges

    try:
        return parse_page_ranges(text)
    except PageRangeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


MAX_DPI = 1200


def _dpi(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_DPI:
        raise argparse.ArgumentTypeError(f"at most {MAX_DPI}: {text}")
    return value


DOCUMENT_FLAGS = ("pages", "dpi", "password", "output", "save_pages", "recursive", "overwrite", "format")


def _add_speed_flags(parser: argparse.ArgumentParser) -> None:
    """The runtime flags: which backend runs the model, its weight format, compiled decode."""
    speed = parser.add_argument_group("runtime (see README, Speed)")
    speed.add_argument(
        "--backend",
        choices=defaults.BACKENDS,
        default=None,
        help="auto (default): OpenVINO on a CPU when installed and the model converts, else "
        "transformers; server needs --server",
    )
    speed.add_argument(
        "--weights",
        choices=defaults.WEIGHT_FORMATS,
        default=None,
        help="OpenVINO weight format (default int8; fp16 answers as transformers fp32 does)",
    )
    speed.add_argument(
        "--compile-decode",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="CUDA: static KV cache with a torch.compile'd decode step (default on)",
    )


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text}")
    return value


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
    "server_timeout",
    "backend",
    "weights",
    "compile_decode",
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
        backend=args.backend or "auto",
        weights=args.weights or defaults.DEFAULT_WEIGHTS,
        compile_decode=True if args.compile_decode is None else args.compile_decode,
    )


def resolve_preset(args: argparse.Namespace) -> None:
    """Turn --preset NAME into its prompt from the saved settings; PresetError if unknown."""
    if args.preset is None:
        return
    from ..core.settings_store import load_settings, settings_store
    from ..engine.presets import find

    args.prompt = find(load_settings(settings_store()).preset_list(), args.preset).prompt
