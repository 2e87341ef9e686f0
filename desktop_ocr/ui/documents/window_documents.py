"""PDFs and multi-page TIFFs coming into the window: password, page range, one run per document.

The app hands every incoming entry to `split`; a document is opened here (asking for its
password and, past one page, which pages, in dialogs over `parent`), becomes one record through
a `DocumentRun`, and says its progress through `progress`. Whoever needs to follow a run (the
history, the answer's end) is given each new run through `started`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ...core.document_run import DocumentRun
from ...core.incoming import Incoming
from ...core.records import SourceKind
from ...core.session import RecognitionSession
from ...documents import (
    DocumentError,
    PageRangeError,
    PageRanges,
    PasswordError,
    document_kind,
    open_document,
)
from .dialogs import PageRangeDialog, PasswordDialog


class WindowDocuments(QObject):
    """Opens documents (dialogs over `parent`); `runs` maps each document's record id to its run."""

    started = Signal(object)  # DocumentRun, before its first page is rendered
    view_ready = Signal(int, object)  # record id, the page under way as a QImage (as Intake's)
    refused = Signal(str)  # a document not opened: one line, said with the batch's other refusals
    progress = Signal(str)  # "page 2 of 3" and the like

    def __init__(self, parent: QWidget, session: RecognitionSession) -> None:
        super().__init__(parent)
        self.window, self.session = parent, session
        self.runs: dict[int, DocumentRun] = {}
        # --pages, --password, --dpi from the command line (or handed over): for the next documents.
        self.flags: dict[str, object] = {}

    @staticmethod
    def split(incoming: Iterable[Incoming]) -> tuple[list[Incoming], list[Incoming]]:
        """The images and the documents among `incoming`."""
        images: list[Incoming] = []
        documents: list[Incoming] = []
        for entry in incoming:
            is_document = entry.path is not None and document_kind(entry.path) is not None
            (documents if is_document else images).append(entry)
        return images, documents

    def open_all(self, documents: Iterable[Incoming], question: tuple[str, str, bool]) -> list[int]:
        """Open each document with the command line's flags, asking `question` (mode, question,
        LaTeX mode) of each page; the records of those opened."""
        opened = (self.open(entry.path or "", question, entry.kind, **self.flags) for entry in documents)  # type: ignore[arg-type]
        return [record_id for record_id in opened if record_id is not None]

    def open(
        self,
        path: str | Path,
        question: tuple[str, str, bool],
        kind: SourceKind = SourceKind.FILE,
        *,
        password: str | None = None,
        pages: PageRanges | None = None,
        dpi: float | None = None,
    ) -> int | None:
        """A PDF or multi-page TIFF as one record; asks for the password and the pages (None: not opened)."""
        name = Path(path).name
        while True:
            try:
                document = open_document(path, password)
                break
            except PasswordError:
                ask = PasswordDialog(name, wrong=password is not None, parent=self.window)
                if ask.exec() != PasswordDialog.DialogCode.Accepted:
                    self.refused.emit(f"{name}: no password given")
                    return None
                password = ask.password()
            except DocumentError as error:
                self.refused.emit(str(error))
                return None
        chosen = list(range(1, document.page_count + 1))
        if pages is not None:
            try:
                chosen = pages.resolve(document.page_count)
            except PageRangeError as error:
                document.close()
                self.refused.emit(f"{name}: {error}")
                return None
        elif document.page_count > 1:
            choose = PageRangeDialog(name, document.page_count, parent=self.window)
            if choose.exec() != PageRangeDialog.DialogCode.Accepted:
                document.close()
                self.refused.emit(f"{name}: no pages chosen")
                return None
            chosen = choose.pages()
        mode, asked, latex = question
        run = DocumentRun(
            self.session, document, chosen, mode, asked,
            latex=latex, budget=lambda: self.session.options.budget, dpi=dpi, source=kind, parent=self,
        )  # fmt: skip
        self.runs[run.record_id] = run
        run.progress.connect(self.progress)
        run.view_ready.connect(self.view_ready)
        self.started.emit(run)
        run.start()
        return run.record_id

    def stop(self) -> None:
        """Stop: every document under way ends after (or instead of) its current page."""
        for run in self.runs.values():
            if not run.done:
                run.stop()

    def shut_down(self) -> None:
        """No page rendering may outlive the window."""
        for run in self.runs.values():
            run.stopped = True
            run.pool.waitForDone()
