"""The `desktop-ocr` command: the window by default, `--cli` to stream answers to stdout."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import IO, TYPE_CHECKING

from . import __version__
from .engine import options as defaults
from .engine.prompts import Mode
from .engine.server import API_KEY_ENV

if TYPE_CHECKING:
    from .engine import Backend, CancelToken
    from .engine.server import ServerOptions

CAPTURE_HANDLERS = ("qt", "mss", "portal", "grim", "spectacle")
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
STDIN = "-"


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
    from .engine.prompts import prompt_for

    return args.prompt if args.prompt else prompt_for(args.mode or Mode.TEXT.value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        options = engine_options(args)
    except ValueError as error:
        parser.error(str(error))
    if args.prompt is not None and not args.prompt.strip():
        parser.error("--prompt is empty")
    if args.cli and (args.snip or args.quit):
        parser.error("--snip and --quit are for the window, not --cli")
    if args.capture_handler and args.capture_handler not in CAPTURE_HANDLERS:
        parser.error(f"--capture-handler must be one of {', '.join(CAPTURE_HANDLERS)}")
    if args.jobs > 1 and not args.server:
        parser.error("--jobs needs --server (the local model answers one image at a time)")
    if args.jobs > 1 and STDIN in args.images:
        parser.error("- (stdin) cannot be used with --jobs")
    if not args.cli:
        from .app import run_window

        return run_window(args, flags_given(args))
    if not args.images:
        parser.error("--cli needs at least one IMAGE (or - for stdin)")
    if args.images.count(STDIN) > 1:
        parser.error("- (stdin) can be given only once")
    return CliRun(args, options).run()


class CliRun:
    """One `desktop-ocr --cli` call: each image in turn, answers streamed to stdout."""

    def __init__(
        self,
        args: argparse.Namespace,
        options: defaults.EngineOptions,
        stdout: IO[str] = sys.stdout,
        stderr: IO[str] = sys.stderr,
    ) -> None:
        self.args = args
        self.options = options
        self.out = stdout
        self.err = stderr
        self.backend: Backend | None = None
        self.cancel: CancelToken | None = None
        self.interrupted = False

    def say(self, message: str) -> None:
        print(message, file=self.err, flush=True)

    def run(self) -> int:
        if self.args.jobs > 1:
            return self._run_batch()
        from .engine import EngineError

        previous = signal.signal(signal.SIGINT, self._on_interrupt)
        failures = 0
        try:
            for index, name in enumerate(self.args.images):
                if self.interrupted:
                    break
                try:
                    self._recognize(index, name)
                except EngineError as error:
                    self.out.flush()
                    self.say(f"desktop-ocr: {error}")
                    failures += 1
                    if self.backend is None and self._model_error(error):
                        return EXIT_USAGE
        except KeyboardInterrupt:
            self.interrupted = True
        finally:
            signal.signal(signal.SIGINT, previous)
        if self.interrupted:
            self.out.flush()
            self.say("desktop-ocr: interrupted")
            return EXIT_INTERRUPTED
        return EXIT_SOME_FAILED if failures else EXIT_OK

    def _run_batch(self) -> int:
        from .batch import BatchRun
        from .engine import EngineError

        try:
            backend = self._backend()
        except EngineError as error:
            self.say(f"desktop-ocr: {error}")
            return EXIT_USAGE
        batch = BatchRun(
            backend,
            list(self.args.images),
            question(self.args),
            self.args.jobs,
            self.out,
            self.err,
            show_progress=True,
        )
        previous = signal.signal(signal.SIGINT, lambda _s, _f: batch.cancel())
        try:
            code = batch.run()
        finally:
            signal.signal(signal.SIGINT, previous)
        if any(token.cancelled for token in batch.tokens):
            self.say("desktop-ocr: interrupted")
            return EXIT_INTERRUPTED
        return EXIT_SOME_FAILED if code else EXIT_OK

    @staticmethod
    def _model_error(error: Exception) -> bool:
        from .engine import ModelLoadError, ModelNotFoundError
        from .engine.server import ServerError

        return isinstance(error, (ModelLoadError, ModelNotFoundError, ServerError))

    def _on_interrupt(self, _signum: int, _frame: FrameType | None) -> None:
        """First Ctrl+C stops the generation after the current step; a second one aborts."""
        if self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True
        if self.cancel is not None:
            self.cancel.cancel()

    def _recognize(self, index: int, name: str) -> None:
        from .engine import CancelToken, Conversation, load_image

        source = sys.stdin.buffer.read() if name == STDIN else name
        image = load_image(source)
        if len(self.args.images) > 1:
            self.out.write(header(index, name))
            self.out.flush()
        backend = self._backend()
        conversation = Conversation.start(image, question(self.args))
        self.cancel = CancelToken()
        ended_with_newline = [True]

        def write(chunk: str) -> None:
            self.out.write(chunk)
            self.out.flush()
            ended_with_newline[0] = chunk.endswith("\n")

        answer = backend.generate(conversation, write, self.cancel)
        if not ended_with_newline[0] and (len(self.args.images) > 1 or _is_tty(self.out)):
            self.out.write("\n")
        self.out.flush()
        if self.args.verbose:
            self.say(f"{label_of(name)}: {answer.stats.summary()}")
        if answer.stats.stop_reason.value == "repetition":
            self.say(f"desktop-ocr: {label_of(name)}: stopped, the model was repeating itself")

    def _backend(self) -> Backend:
        if self.backend is None:
            from .engine.backends import create_backend

            progress = DownloadBar(self.err) if _is_tty(self.err) or self.args.verbose else None
            status: Callable[[str], None] = self.say if self.args.verbose else (lambda _m: None)
            backend = create_backend(self.options, server_options(self.args, self.options), progress, status)
            if progress is not None:
                progress.finish()
            if self.args.verbose:
                self.say(f"ready: {backend.describe()}")
            self.backend = backend
        return self.backend


def server_options(args: argparse.Namespace, options: defaults.EngineOptions) -> ServerOptions | None:
    """The server the flags name, with the same pixel budget and answer length as locally."""
    if not args.server:
        return None
    from .engine.server import ServerOptions

    return ServerOptions(
        url=args.server,
        model=args.server_model,
        api_key=args.api_key,
        budget=options.budget,
        max_new_tokens=options.max_new_tokens,
    )


def label_of(name: str) -> str:
    return "standard input" if name == STDIN else name


def header(index: int, name: str) -> str:
    """The line above each answer when several images run, as `head` prints it."""
    return ("\n" if index else "") + f"==> {label_of(name)} <==\n"


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class DownloadBar:
    """A one-line byte progress bar on stderr for the model download."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = False
        self.last_percent = -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent == self.last_percent:
            return
        self.last_percent = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rdownloading model [{bar}] {percent:3d}% {done / 1e9:.2f}/{total / 1e9:.2f} GB")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def entry_point() -> None:
    """Console-script entry: exit with main()'s status."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
