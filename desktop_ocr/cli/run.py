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
from ..engine.triton_guard import settle_triton_for_process
from .output import STDIN, DownloadBar, is_tty
from .parser import (
    DOCUMENT_FLAGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    build_parser,
    check_format,
    engine_options,
    flags_given,
    resolve_preset,
    run_settings,
)

if TYPE_CHECKING:
    from ..engine import Backend
    from .history import Recorder
    from .pipeline import InputsRun


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_models:
        from ..engine.families import PROFILES

        for profile in PROFILES:
            print(profile.describe())
        return EXIT_OK
    try:
        options = engine_options(args)
    except ValueError as error:
        parser.error(str(error))
    if args.prompt is not None and not args.prompt.strip():
        parser.error("--prompt is empty")
    from ..engine.presets import PresetError

    try:
        resolve_preset(args)
    except PresetError as error:
        parser.error(str(error))
    if args.cli and (args.snip or args.quit):
        parser.error("--snip and --quit are for the window, not --cli")
    if args.jobs > 1 and not args.server_url:
        parser.error("--jobs needs --server (the local model answers one image at a time)")
    if args.jobs > 1 and STDIN in args.images:
        parser.error("- (stdin) cannot be used with --jobs")
    if args.history is not None or args.history_show is not None:
        if args.cli or args.snip or args.quit or args.record:
            parser.error("--history and --history-show go alone (no --cli, --snip, --quit, --record)")
        if args.history is not None and args.history_show is not None:
            parser.error("--history and --history-show cannot be combined")
        from .history import list_history, show_record

        if args.history_show is not None:
            if args.images:
                parser.error("--history-show takes one ID")
            return show_record(args.history_show, sys.stdout, sys.stderr)
        # `--history inv 2024` reads as one query: the words after the flag land in IMAGE.
        query = " ".join([args.history, *args.images]).strip()
        return list_history(query, args.limit, sys.stdout, sys.stderr)
    if args.limit is not None:
        parser.error("--limit goes with --history")
    if args.record and not args.cli:
        parser.error("--record goes with --cli (the window records by itself, see Settings → Privacy)")
    if not args.cli:
        # --pages, --password and --dpi go to the window with the documents; the rest are files and folders.
        given = [
            name
            for name in DOCUMENT_FLAGS
            if name not in WINDOW_DOCUMENT_FLAGS and getattr(args, name, None) not in (None, False)
        ]
        if given:
            parser.error(
                f"--{given[0].replace('_', '-')} is for --cli (the window saves with Save as…, Ctrl+S)"
            )
        from ..launch import run_window

        return run_window(args, flags_given(args))
    if not args.images:
        parser.error("--cli needs at least one INPUT (an image, PDF or folder; - for stdin)")
    if args.images.count(STDIN) > 1:
        parser.error("- (stdin) can be given only once")
    from .codes import check_codes_mode

    problem = check_format(args) or check_codes_mode(args)
    if problem:
        parser.error(problem)
    return CliRun(args, options).run()


WINDOW_DOCUMENT_FLAGS = ("pages", "password", "dpi")


class CliRun:
    """One `desktop-ocr --cli` call: inputs in order, answers streamed to stdout or written with -o."""

    def __init__(
        self,
        args: argparse.Namespace,
        options: defaults.EngineOptions,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        """`stdout`/`stderr`: sys's at the time of the call unless given (tests redirect them)."""
        self.args = args
        self.options = options
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        self.backend: Backend | None = None
        self.interrupted = False
        self.recorder: Recorder | None = None
        if getattr(args, "record", False):
            from .history import Recorder

            self.recorder = Recorder(args, self.err)
        self.inputs: InputsRun | None = None

    def say(self, message: str) -> None:
        print(message, file=self.err, flush=True)

    def run(self) -> int:
        try:
            return self._run()
        finally:
            if self.recorder is not None:
                self.recorder.close()

    def _run(self) -> int:
        from .codes import CodesOnlyRun, is_codes_mode
        from .pipeline import InputsRun

        run = CodesOnlyRun if is_codes_mode(self.args) else InputsRun  # codes only: no model
        self.inputs = run(
            self.args, self.options.budget, self.options.max_new_tokens, self._backend, self.out, self.err
        )
        self.inputs.recorder = self.recorder
        previous = signal.signal(signal.SIGINT, self._on_interrupt)
        try:
            failures = self.inputs.run(self.args.jobs)
        except KeyboardInterrupt:
            self.interrupted = True
            failures = 0
            # Requests still waiting end now, so that no worker thread holds the exit.
            self.inputs.cancel()
            self.inputs.abandon()
        finally:
            signal.signal(signal.SIGINT, previous)
        if self.inputs.fatal:
            return EXIT_USAGE
        if self.interrupted:
            self.out.flush()
            self.say("desktop-ocr: interrupted")
            return EXIT_INTERRUPTED
        return EXIT_SOME_FAILED if failures else EXIT_OK

    def _on_interrupt(self, _signum: int, _frame: FrameType | None) -> None:
        """First Ctrl+C ends the answer being made (a request waiting on a server at once);
        while the model loads or the server is first asked, it stops at once; a second aborts."""
        first = not self.interrupted
        self.interrupted = True
        if self.inputs is not None:
            self.inputs.cancel()
        if not first or self.backend is None:
            raise KeyboardInterrupt

    def _backend(self) -> Backend:
        if self.backend is None:
            from ..engine.backends import create_backend

            progress = DownloadBar(self.err) if is_tty(self.err) or self.args.verbose else None
            status: Callable[[str], None] = self.say if self.args.verbose else (lambda _m: None)
            backend = create_backend(self.options, run_settings(self.args).server_options(), progress, status)
            if progress is not None:
                progress.finish()
            if self.args.verbose:
                self.say(f"ready: {backend.describe()}")
            self.backend = backend
        return self.backend


def entry_point() -> None:
    """Console-script entry: exit with main()'s status."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Before the window can load a graphics driver's LLVM, beside which Triton would crash.
    settle_triton_for_process()
    sys.exit(main())
