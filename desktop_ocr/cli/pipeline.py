"""Every --cli run: inputs → pages rendered one at a time → answers, in input order.

Answers stream to stdout (one at a time) or come back from a pool (`--jobs` with a server);
with `-o` they are collected into documents instead. A failed page or file is one line on
stderr and the rest go on.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from PIL import Image

from ..engine import Answer, Backend, CancelToken, Conversation, EngineError, load_image
from ..engine.options import PixelBudget
from ..pages import PageResult
from ..render.linebreaks import LineBreaks, apply_line_breaks
from .batch import OrderedPool
from .destinations import FileTarget, FolderTarget, OutputError, PageFiles, is_folder_target
from .inputs import Input, Named, expand, plan
from .output import STDIN, ProgressBar, describe, header, is_tty, json_line, label_of
from .tables_out import TablesOutput, table_format
from .terminal import printable
from .units import Unit, question_for, units_of

if TYPE_CHECKING:
    from .codes import CodeSearch
    from .history import Recorder


class InputsRun:
    """Runs the planned inputs through a backend; `run()` returns how many units failed."""

    def __init__(
        self,
        args: argparse.Namespace,
        budget: PixelBudget,
        max_new_tokens: int,
        backend: Callable[[], Backend],
        out: IO[str],
        err: IO[str],
    ) -> None:
        self.args = args
        self.budget = budget
        self.max_new_tokens = max_new_tokens
        self.backend = backend
        self.out = out
        self.err = err
        self.failures = 0
        self.cancelled = threading.Event()
        self.current: CancelToken | None = None
        self.pool: OrderedPool | None = None
        self._lock = threading.Lock()
        self._printed = 0
        self.file_target: FileTarget | None = None
        self.folder_target: FolderTarget | None = None
        tables = table_format(args)
        # -o FILE.csv|.xlsx or --format csv|xlsx: the answers' tables instead of their text.
        self.tables = TablesOutput(args.output, tables, self.fail) if tables else None
        if args.output:
            if is_folder_target(args.output):
                self.folder_target = FolderTarget(Path(args.output), args.format or "md", args.overwrite)
            elif self.tables is None:
                self.file_target = FileTarget.for_path(args.output, args.format, args.overwrite)
        self.lines = LineBreaks(getattr(args, "lines", None) or LineBreaks.KEEP)
        self.page_files = PageFiles(Path(args.save_pages), args.overwrite) if args.save_pages else None
        self._named: list[Named] = []  # each planned input, by position
        self._bar: ProgressBar | None = None
        self._headers = False
        self.as_json = args.format == "json"  # one JSON line per answer instead of streamed text
        self.recorder: Recorder | None = None  # --record: each answered input goes to the history
        self._stash: dict[int, Image.Image] = {}  # --record with --jobs: pictures awaiting answers
        self._code_search: CodeSearch | None = None  # JSON and --record: codes read beside answers
        # A terminal shows model text without control characters; a pipe or file gets it exact.
        self._shown: Callable[[str], str] = printable if is_tty(out) else str

    # -- reporting ---------------------------------------------------------------------------

    def fail(self, message: str) -> None:
        with self._lock:
            self.failures += 1
            self.out.flush()
            lead = "\n" if self._bar is not None and 0 < self._bar.done < self._bar.total else ""
            self.err.write(f"{lead}desktop-ocr: {printable(message)}\n")
            self.err.flush()

    def say(self, message: str) -> None:
        with self._lock:
            self.err.write(printable(message) + "\n")
            self.err.flush()

    def step(self) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.step()

    # -- planning ----------------------------------------------------------------------------

    def plan(self) -> list[tuple[Named, Input, Path | None]]:
        """Expand folders, open documents for their page counts, and drop outputs that exist."""
        planned = []
        skipped = 0
        nameds = expand(list(self.args.images), self.args.recursive)
        if self.folder_target is not None:
            self.folder_target.assign(nameds)
        if self.page_files is not None:
            self.page_files.assign(nameds)
        for named in nameds:
            target = self.folder_target.path_for(named) if self.folder_target else None
            if target is not None and self.folder_target and self.folder_target.exists(target):
                skipped += 1
                continue
            planned.append((named, plan(named.name, self.args.pages, self.args.password), target))
        if skipped:
            self.say(
                f"desktop-ocr: skipped {skipped} input{'s' if skipped > 1 else ''} "
                "whose output exists (--overwrite redoes them)"
            )
        return planned

    # -- producing pages (main thread: pdfium is not thread-safe, and one page at a time) ----

    def _image(self, unit: Unit, document: object) -> Image.Image:
        if unit.page is None:
            name = unit.item.name
            return load_image(sys.stdin.buffer.read() if name == STDIN else name)
        image = document.render(unit.page, self.budget, self.args.dpi)  # type: ignore[attr-defined]
        if self.page_files is not None:
            path = self.page_files.path_for(self._named[unit.position], unit.page)
            path.parent.mkdir(parents=True, exist_ok=True)
            image.save(path)
        return image

    def _units(self, position: int, item: Input) -> Iterator[tuple[Unit, Image.Image | None]]:
        """Each unit with its picture (None when it failed, already reported)."""
        return units_of(position, item, self._image, self.fail, self.step, self.args.password)

    # -- answering -----------------------------------------------------------------------------

    def _show_headers(self, planned: list[tuple[Named, Input, Path | None]]) -> bool:
        return len(planned) > 1 or any(item.is_document for _n, item, _t in planned)

    def _to_stdout(self) -> bool:
        return not self.args.output

    def _header(self, unit: Unit) -> None:
        if self._to_stdout() and self._headers and not self.as_json:
            self.out.write(header(self._printed, unit.label))
            self.out.flush()
        self._printed += 1

    def _finish(
        self, unit: Unit, answer: Answer, streamed: bool, image: Image.Image | None = None
    ) -> PageResult:
        from .codes import codes_of

        codes = codes_of(unit)
        if self.recorder is not None and image is not None:
            self.recorder.add_page(
                image, question_for(self.args, unit.item), answer, self.backend(), unit.page, codes
            )
        text = apply_line_breaks(answer.text, self.lines)
        if self._to_stdout() and self.as_json:
            self.out.write(json_line(unit.item.name, answer, unit.page, codes))
            self.out.flush()
        elif self._to_stdout():
            if not streamed:
                self._header(unit)
            if not streamed or self.lines is not LineBreaks.KEEP:  # joined lines: the whole answer
                self.out.write(self._shown(text))
            if not text.endswith("\n") and (self._headers or is_tty(self.out)):
                self.out.write("\n")
            self.out.flush()
        if self.args.verbose:
            self.say(f"{unit.label}: {answer.stats.summary()}")
        if answer.stats.stop_reason.value == "repetition":
            self.say(f"desktop-ocr: {unit.label}: stopped, the model was repeating itself")
        return PageResult(label_of(unit.item.name), unit.page, text, answer.stats)

    def _answer_streaming(self, unit: Unit, image: Image.Image) -> Answer:
        try:
            backend = self.backend()
        except EngineError as error:
            self.fatal = True  # no model or server: every other input would fail the same way
            raise error
        self._header(unit)
        self.current = CancelToken()
        if self.cancelled.is_set():
            self.current.cancel()
        write: Callable[[str], None] | None = None
        if self._to_stdout() and not self.as_json and self.lines is LineBreaks.KEEP:

            def write(chunk: str) -> None:
                self.out.write(self._shown(chunk))
                self.out.flush()

        conversation = Conversation.start(image, question_for(self.args, unit.item))
        return backend.generate(
            conversation, write, self.current, budget=self.budget, max_new_tokens=self.max_new_tokens
        )

    def cancel(self) -> None:
        self.cancelled.set()
        if self.current is not None:
            self.current.cancel()
        if self.pool is not None:
            self.pool.cancel()

    def abandon(self) -> None:
        """After an abort: drop queued answers and let the pool's threads end on their own."""
        if self.pool is not None:
            self.pool.abandon()

    def check_outputs(self, planned: list[tuple[Named, Input, Path | None]]) -> None:
        """Before any model work: every file this run will write can be written, and none
        would replace an existing file unasked (OutputError says which, in one line)."""
        if self.folder_target is not None:
            self.folder_target.check(target for _n, _i, target in planned if target is not None)
        if self.page_files is not None:
            files = self.page_files
            files.check(
                files.path_for(named, page)
                for named, item, _t in planned
                if item.is_document
                for page in item.pages
            )

    def run(self, jobs: int = 1) -> int:
        """Answer everything; returns the number of failures (files or pages)."""
        try:
            if self.file_target is not None:
                self.file_target.check()  # before planning: opening many documents takes a while
            planned = self.plan()
            self.check_outputs(planned)
        except OutputError as error:
            self.fatal = True
            self.fail(str(error))
            return self.failures
        self._named = [named for named, _i, _t in planned]
        self._headers = self._show_headers(planned)
        total = sum(max(item.units, 1) for _n, item, _t in planned)
        if self.args.output or jobs > 1:
            unit_name = "pages" if any(item.is_document for _n, item, _t in planned) else "images"
            self._bar = ProgressBar(self.err, total, unit_name) if total else None
        collected: list[PageResult] = []
        if jobs > 1:
            try:
                backend = self.backend()
            except EngineError as error:
                self.fatal = True
                self.fail(describe(error))
                return self.failures
            self.pool = OrderedPool(jobs, backend, self.step, self.budget, self.max_new_tokens)
        for position, (_named, item, target) in enumerate(planned):
            if self.cancelled.is_set():
                break
            if item.error:
                self.fail(item.error)
                self.step()
                continue
            results, complete = self._run_input(position, item)
            if self.recorder is not None:
                self.recorder.finish(item.name)
            collected.extend(results)
            if (
                self.folder_target is not None
                and target is not None
                and results
                and not self.cancelled.is_set()
            ):
                if self.tables is not None:
                    tables = self.tables
                    self._write(functools.partial(tables.write_input, target, results, complete), target)
                else:
                    self._write(
                        functools.partial(self.folder_target.write, target, results, complete), target
                    )
        if self.pool is not None:
            self.pool.close()
        if self._code_search is not None:
            self._code_search.close()
        if self.file_target is not None and collected and not self.cancelled.is_set():
            self._write(functools.partial(self.file_target.write, collected), self.file_target.path)
        if (
            self.tables is not None
            and self.folder_target is None
            and collected
            and not self.cancelled.is_set()
        ):
            self.tables.write_file(collected)
        return self.failures

    def _write(self, write: Callable[[], object], path: Path) -> None:
        """Checked before the run, a write can still fail (disk full): one line, the run goes on."""
        try:
            write()
        except OSError as error:
            self.fail(f"cannot write {path}: {error.strerror or error}")

    def _stashed(
        self, units: Iterator[tuple[Unit, Image.Image | None]]
    ) -> Iterator[tuple[Unit, Image.Image | None]]:
        """With --record, keep each picture until its answer comes back from the pool."""
        for unit, image in units:
            if self.recorder is not None and image is not None:
                self._stash[id(unit)] = image
            yield unit, image

    def _searched(self, position: int, item: Input) -> Iterator[tuple[Unit, Image.Image | None]]:
        """The input's units; where codes go somewhere (JSON, the history), each picture's codes
        are read beside its answer."""
        units = self._units(position, item)
        if not ((self._to_stdout() and self.as_json) or self.recorder is not None):
            return units
        if self._code_search is None:
            from .codes import CodeSearch

            self._code_search = CodeSearch()
        return self._code_search.searched(units)

    def _run_input(self, position: int, item: Input) -> tuple[list[PageResult], bool]:
        results: list[PageResult] = []
        complete = True
        if self.pool is None:
            for unit, image in self._searched(position, item):
                if self.cancelled.is_set():
                    return results, False
                if image is None:
                    complete = False
                    continue
                try:
                    answer = self._answer_streaming(unit, image)
                except EngineError as error:
                    self.fail(describe(error))
                    self.step()
                    complete = False
                    if self.fatal:
                        self.cancelled.set()
                        return results, False
                    continue
                self.step()
                if answer.stats.stop_reason.value == "cancelled":
                    return results, False
                results.append(self._finish(unit, answer, streamed=True, image=image))
            return results, complete
        # --jobs: pages are rendered here in order and answered by the pool, a few ahead.
        for unit, outcome in self.pool.map(
            self._stashed(self._searched(position, item)), lambda unit: question_for(self.args, unit.item)
        ):
            image = self._stash.pop(id(unit), None)
            if isinstance(outcome, Answer):
                if outcome.stats.stop_reason.value == "cancelled":
                    complete = False
                    continue
                results.append(self._finish(unit, outcome, streamed=False, image=image))
            else:
                complete = False
                if outcome is not None:
                    self.fail(describe(outcome))
        return results, complete

    fatal = False
