"""`desktop-ocr`: the window by default, `--cli` to stream answers to stdout."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import IO, TYPE_CHECKING

from ..engine import options as defaults
from .output import STDIN, DownloadBar, error_line, header, is_tty, label_of
from .parser import (
    CAPTURE_HANDLERS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    build_parser,
    engine_options,
    flags_given,
    question,
)

if TYPE_CHECKING:
    from ..engine import Backend, CancelToken
    from ..engine.server import ServerOptions


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
        from ..app import run_window

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
        from ..engine import EngineError

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
                    self.say(error_line(error))
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
        from ..engine import EngineError
        from .batch import BatchRun

        try:
            backend = self._backend()
        except EngineError as error:
            self.say(error_line(error))
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
        from ..engine import ModelLoadError, ModelNotFoundError
        from ..engine.server import ServerError

        return isinstance(error, (ModelLoadError, ModelNotFoundError, ServerError))

    def _on_interrupt(self, _signum: int, _frame: FrameType | None) -> None:
        """First Ctrl+C stops the generation after the current step; a second one aborts."""
        if self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True
        if self.cancel is not None:
            self.cancel.cancel()

    def _recognize(self, index: int, name: str) -> None:
        from ..engine import CancelToken, Conversation, load_image

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
        if not ended_with_newline[0] and (len(self.args.images) > 1 or is_tty(self.out)):
            self.out.write("\n")
        self.out.flush()
        if self.args.verbose:
            self.say(f"{label_of(name)}: {answer.stats.summary()}")
        if answer.stats.stop_reason.value == "repetition":
            self.say(f"desktop-ocr: {label_of(name)}: stopped, the model was repeating itself")

    def _backend(self) -> Backend:
        if self.backend is None:
            from ..engine.backends import create_backend

            progress = DownloadBar(self.err) if is_tty(self.err) or self.args.verbose else None
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
    from ..engine.server import ServerOptions

    return ServerOptions(
        url=args.server,
        model=args.server_model,
        api_key=args.api_key,
        budget=options.budget,
        max_new_tokens=options.max_new_tokens,
    )


def entry_point() -> None:
    """Console-script entry: exit with main()'s status."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
