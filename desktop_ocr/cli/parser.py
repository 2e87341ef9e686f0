"""The command line's flags, and the options they describe."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import __version__
from ..config import FlagGroup, Settings, add_flags, flags_given, positive_int
from ..engine import options as defaults

OUTPUT_FORMATS = ("text", "json")
LINE_MODES = ("keep", "paragraphs", "single")  # render/linebreaks.py's LineBreaks
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser(table: type[Settings] = Settings) -> argparse.ArgumentParser:
    """The flags; the settings' own come from `table` (config/table.py)."""
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
    add_flags(ask, FlagGroup.ASK, table)
    ask.add_argument("--prompt", metavar="TEXT", help="ask this instead of a mode's instruction")
    ask.add_argument(
        "--preset",
        metavar="NAME",
        help="ask a saved prompt preset (Settings → Prompt presets), e.g. 'Table as CSV'",
    )
    add_flags(parser, FlagGroup.MODEL, table)
    # An action, not a setting: it prints and exits, so it is not in the settings table.
    parser.add_argument(
        "--list-models",
        action="store_true",
        help="print the model families the app runs (name, hub id, size, download, licence), one a line",
    )
    parser.add_argument("--verbose", action="store_true", help="print loading steps and stats to stderr")
    add_flags(parser.add_argument_group("runtime (see README, Speed)"), FlagGroup.RUNTIME, table)
    remote = parser.add_argument_group("server (any OpenAI-compatible endpoint)")
    add_flags(remote, FlagGroup.SERVER, table)
    remote.add_argument(
        "--jobs",
        type=positive_int,
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
    history.add_argument("--limit", type=positive_int, metavar="N", help="with --history: the newest N only")
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
    add_flags(window, FlagGroup.WINDOW, table)
    window.add_argument("--quit", action="store_true", help="ask the running instance to quit")
    parser.add_argument("--version", action="version", version=f"desktop-ocr {__version__}")
    return parser


def _add_document_flags(parser: argparse.ArgumentParser) -> None:
    """PDFs, multi-page TIFFs and folders (--cli)."""
    from ..render.document_export import FORMATS
    from ..render.document_tables import TABLE_FORMATS  # -o writes the answers' tables

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
        ".jsonl; .csv .xlsx write the answers' tables), or one file per input into DIR/",
    )
    docs.add_argument("--save-pages", metavar="DIR", help="also save each rendered page as DIR/NAME-pN.png")
    docs.add_argument("--recursive", action="store_true", help="take folders' sub-folders too")
    docs.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing outputs: -o FILE, --save-pages files, and with -o DIR/ redo inputs "
        "whose output exists",
    )
    # One --format: text|json say how answers go to stdout, md|txt|html|jsonl|csv|xlsx what -o writes.
    docs.add_argument(
        "--format",
        choices=(*OUTPUT_FORMATS, *FORMATS, *TABLE_FORMATS),
        default=None,
        help="stdout: text (default, as the answers stream) or json (one object per image or page "
        "and line, with every token's probability); with -o: md, txt, html or jsonl, or csv or xlsx "
        "for the answers' tables (default: .md in a folder, else the file's extension)",
    )
    docs.add_argument(
        "--lines",
        choices=LINE_MODES,
        default=None,
        help="line breaks of text output and -o files: keep (default, as the model wrote them), "
        "paragraphs (lines joined, words broken at line ends mended) or single (one line); "
        "formulas, tables and code keep theirs",
    )


def check_format(args: argparse.Namespace) -> str | None:
    """What is wrong with --format and --lines for these flags (None when nothing)."""
    if args.lines is not None and args.format == "json":
        return "--lines is for text output and -o files; --format json keeps the answer as generated"
    if args.format in OUTPUT_FORMATS:
        return "--format text|json is for stdout: leave out -o" if args.output else None
    if args.format is not None and not args.output:
        return "--format md|txt|html|jsonl|csv|xlsx is what -o writes; give -o FILE or -o DIR/"
    if args.output and args.format is None:
        from ..render.document_export import format_of
        from .destinations import is_folder_target

        if not is_folder_target(args.output) and Path(args.output).suffix.lower() not in (".csv", ".xlsx"):
            try:
                format_of(args.output)
            except ValueError as error:
                return f"-o {error} or .csv/.xlsx for tables"
    return None


def _page_ranges(text: str) -> object:
    from ..documents import PageRangeError, parse_page_ranges

    try:
        return parse_page_ranges(text)
    except PageRangeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


MAX_DPI = 1200


def _dpi(text: str) -> int:
    value = positive_int(text)
    if value > MAX_DPI:
        raise argparse.ArgumentTypeError(f"at most {MAX_DPI}: {text}")
    return value


DOCUMENT_FLAGS = (
    "pages",
    "dpi",
    "password",
    "output",
    "save_pages",
    "recursive",
    "overwrite",
    "format",
    "lines",
)


def run_settings(args: argparse.Namespace) -> Settings:
    """The defaults with this command line's flags on top (--cli does not read the saved settings)."""
    return Settings().with_flags(args, flags_given(args))


def engine_options(args: argparse.Namespace) -> defaults.EngineOptions:
    """The EngineOptions the flags describe, defaults for the rest; ValueError says what is wrong."""
    return run_settings(args).engine_options()


def resolve_preset(args: argparse.Namespace) -> None:
    """Turn --preset NAME into its prompt from the saved settings; PresetError if unknown."""
    if args.preset is None:
        return
    from ..core.settings_store import load_settings, settings_store
    from ..engine.presets import find

    args.prompt = find(load_settings(settings_store()).preset_list(), args.preset).prompt
