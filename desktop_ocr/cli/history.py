"""`desktop-ocr --history [QUERY]`, `--history-show ID`, and recording `--cli --record` answers."""

from __future__ import annotations

import argparse
import os
from typing import IO, TYPE_CHECKING

from .output import STDIN, is_tty
from .parser import EXIT_OK, EXIT_SOME_FAILED
from .terminal import printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PIL import Image

    from ..codes import Code
    from ..engine import Answer, Backend
    from ..history import HistoryStore, Summary

PAGE = 500  # records fetched at a time: the whole history is never held at once


def open_store(err: IO[str]) -> HistoryStore:
    """The history as the saved settings describe it; a set-aside database is said once on stderr."""
    from ..core.settings_store import load_settings, settings_store

    store = load_settings(settings_store()).open_history()
    if store.warning:
        print(f"desktop-ocr: {store.warning}", file=err, flush=True)
    return store


def open_reader(err: IO[str]) -> HistoryStore | None:
    """The history to list or show. A damaged one is set aside as the window would (said once);
    one that cannot be written (read-only media, a lock held elsewhere) is read as it is,
    changing nothing. None, said on stderr, when it cannot be read."""
    from ..core.settings_store import load_settings, settings_store
    from ..history import HistoryError, HistoryStore, data_dir, open_for_reading, read_only_reason

    settings = load_settings(settings_store())
    if not settings.keep_history:
        return HistoryStore.in_memory()
    folder = data_dir(settings.history_location)
    store: HistoryStore | None = None
    try:
        store = open_for_reading(folder)
        problem = store.warning
    except HistoryError as error:
        problem = str(error)
    if problem and folder.is_dir() and not read_only_reason(folder):
        if store is not None:
            store.close()
        return open_store(err)
    if problem:
        print(f"desktop-ocr: {problem}", file=err, flush=True)
    return store


def _field(text: str) -> str:
    return " ".join(text.split("\t")).replace("\n", " ").replace("\r", " ")


def summary_line(summary: Summary) -> str:
    """ID, local ISO time, source (the path for files), first line of the answer, tab-separated."""
    from ..history import Source

    source = summary.name if summary.source is Source.FILE and summary.name else summary.source.value
    when = summary.created.astimezone().isoformat(timespec="seconds")
    return "\t".join([str(summary.id), when, _field(source), _field(summary.first_line)])


def list_history(query: str, limit: int | None, out: IO[str], err: IO[str]) -> int:
    store = open_reader(err)
    if store is None:
        return EXIT_SOME_FAILED
    try:
        offset = 0
        while limit is None or offset < limit:
            size = PAGE if limit is None else min(PAGE, limit - offset)
            rows = store.search(query, limit=size, offset=offset)
            for summary in rows:
                out.write(printable(summary_line(summary)) + "\n")
            offset += len(rows)
            if len(rows) < size:
                break
        out.flush()
    finally:
        store.close()
    return EXIT_OK


def show_record(record_id: int, out: IO[str], err: IO[str]) -> int:
    """The record's latest answer exactly (the edited text where edited)."""
    store = open_reader(err)
    if store is None:
        return EXIT_SOME_FAILED
    try:
        record = store.get(record_id)
    finally:
        store.close()
    if record is None:
        print(f"desktop-ocr: no history record {record_id}", file=err, flush=True)
        return EXIT_SOME_FAILED
    out.write(printable(record.text) if is_tty(out) else record.text)
    if record.text and not record.text.endswith("\n") and is_tty(out):
        out.write("\n")
    out.flush()
    return EXIT_OK


class Recorder:
    """Keeps each answered input of a `--cli --record` run (source: the file's absolute path).

    A document becomes one record holding its answered pages; each page is PNG-encoded as it
    is answered, so a long PDF never keeps its pixels in memory."""

    def __init__(self, args: argparse.Namespace, err: IO[str]) -> None:
        self.args = args
        self.err = err
        self.store: HistoryStore | None = None
        self._pages: list = []
        self._stopped = False
        self._backend: Backend | None = None

    def _open(self) -> bool:
        if self.store is None:
            self.store = open_store(self.err)
            # Off in the settings, or the warning just printed says why it cannot be kept.
            if not self.store.on_disk and not self.store.warning:
                print("desktop-ocr: history is off (Settings → Privacy): not recorded", file=self.err)
        return self.store.on_disk

    def add_page(
        self,
        image: Image.Image,
        question: str,
        answer: Answer,
        backend: Backend,
        page: int | None = None,
        codes: Sequence[Code] = (),
    ) -> None:
        """One answered image, or page `page` (1-based) of the document being run, with its codes."""
        from ..engine.stats import StopReason
        from ..history import NewPage, PageImage, Turn, stats_dict

        if not self._open():
            return
        turn = Turn(question, answer.text, stats_dict(answer.stats))
        self._pages.append(NewPage(PageImage.encode(image), [turn], document_page=page, codes=codes))
        self._stopped |= answer.stats.stop_reason is StopReason.CANCELLED
        self._backend = backend

    def finish(self, name: str) -> None:
        """Write the input's record (if any page was answered) at once."""
        from ..history import HistoryError, NewRecord, Source, State

        pages, self._pages = self._pages, []
        stopped, self._stopped = self._stopped, False
        if not pages or self.store is None or self._backend is None:
            return
        identity = self._backend.identity()
        entry = NewRecord(
            source=Source.STDIN if name == STDIN else Source.FILE,
            name="" if name == STDIN else os.path.abspath(name),
            pages=pages,
            mode="" if self.args.prompt else (self.args.mode or ""),
            prompt=self.args.prompt or "",
            state=State.STOPPED if stopped else State.DONE,
            model=identity.model,
            backend=identity.kind,
            device=identity.device,
            dtype=identity.dtype,
        )
        try:
            self.store.add(entry)
        except HistoryError as error:
            print(f"desktop-ocr: not recorded: {error}", file=self.err, flush=True)

    def record(self, name: str, image: Image.Image, question: str, answer: Answer, backend: Backend) -> None:
        """A one-image record."""
        self.add_page(image, question, answer, backend)
        self.finish(name)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
