"""Documents (PDFs, multi-page TIFFs) recognised in the window: opened, then one record each, its
pages in turn.

`DocumentRuns` opens each document coming in (asking for its password and, past one page, which
pages, through the view's `DocumentQuestions`) and starts a `DocumentRun` for it.

Each chosen page is rendered on a pool thread (one at a time, so memory stays flat), handed to
the session as the record's image and recognised in the record's mode; its answer goes to
`record.pages` as a `PageResult`, so the record's transcript is the pages joined with their
markers (pages.py) and the page under way streams in below them. A failed page is
marked in the document and the others go on. `page_done` carries each page (with its picture)
to the history, which writes the document as one record when `ended` comes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from ..documents import (
    Document,
    DocumentError,
    PageRangeError,
    PageRanges,
    PasswordError,
    document_kind,
    open_document,
)
from ..engine.backend import Answer
from ..engine.options import PixelBudget
from ..engine.stats import GenerationStats, StopReason
from ..pages import PageResult
from .failures import Failure
from .image_decode import view_image
from .incoming import Incoming
from .records import SourceKind, thumbnail
from .session import RecognitionSession


class _Signals(QObject):
    rendered = Signal(int, object, object)  # page number, PIL image, its view (QImage)
    refused = Signal(int, str)  # page number, one-line message


class _RenderTask(QRunnable):
    def __init__(
        self, document: Document, number: int, budget: PixelBudget, dpi: float | None, signals: _Signals
    ) -> None:
        super().__init__()
        self.document, self.number, self.budget, self.dpi = document, number, budget, dpi
        self.signals = signals

    def run(self) -> None:
        try:
            image = self.document.render(self.number, self.budget, self.dpi)
        except Exception as error:  # noqa: BLE001 - a bad page is marked, the others go on
            self.signals.refused.emit(self.number, str(error) or type(error).__name__)
        else:
            # The view is made here too: the window shows the page without work on its thread.
            self.signals.rendered.emit(self.number, image, view_image(image))


@dataclass(frozen=True)
class DonePage:
    """A page that ended: its number, picture (None if it could not be rendered), answer or error."""

    number: int
    image: Image.Image | None
    answer: Answer | None
    error: str = ""


def failed_page_text(number: int, message: str) -> str:
    """What stands in the document for a page that could not be rendered or recognised."""
    return f"*(page {number} failed: {message})*"


class DocumentRun(QObject):
    """Recognises `pages` of `document` one after another as ONE record of the session.

    `progress(line)`: "name: page 3 of 12"; `ended(record_id)`: the run is over (all pages, or
    stopped); `results` then holds the pages done, in order.
    """

    progress = Signal(str)
    view_ready = Signal(int, object)  # record id, the page under way as a QImage (as Intake's)
    page_done = Signal(int, object)  # record id, DonePage
    ended = Signal(int)

    def __init__(
        self,
        session: RecognitionSession,
        document: Document,
        pages: Sequence[int],
        mode: str,
        question: str,
        *,
        latex: bool = False,
        budget: Callable[[], PixelBudget],
        dpi: float | None = None,
        source: SourceKind = SourceKind.FILE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.document, self.pages = session, document, list(pages)
        self.budget, self.dpi = budget, dpi
        self.name = document.path.name
        self.results: list[PageResult] = []  # also the record's `pages`
        self.stopped = False
        self.done = False
        self._index = 0  # the page being rendered or recognised, in self.pages
        self._image: Image.Image | None = None  # the page being recognised, for `page_done`
        self.record_id = session.reserve(
            self.name, source, mode, question, latex_mode=latex, path=str(document.path)
        )
        session.begin_document(self.record_id, self.results)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.rendered.connect(self._on_rendered)
        self._signals.refused.connect(self._on_refused)
        session.finished.connect(self._on_finished)
        session.failed.connect(self._on_failed)

    def start(self) -> None:
        self._render_next()

    def stop(self) -> None:
        """End the rest; the pages done are kept (a page being recognised is cut short by the session)."""
        self.stopped = True
        if self.session.running != self.record_id and self.record_id not in self.session.queued:
            self._end()  # between pages (rendering): nothing in the session to cancel

    @property
    def current_page(self) -> int:
        return self.pages[min(self._index, len(self.pages) - 1)]

    def _render_next(self) -> None:
        if self.stopped or self._index >= len(self.pages):
            self._end()
            return
        number = self.pages[self._index]
        self.progress.emit(f"{self.name}: page {self._index + 1} of {len(self.pages)} (page {number})")
        self.pool.start(_RenderTask(self.document, number, self.budget(), self.dpi, self._signals))

    def _on_rendered(self, number: int, image: Image.Image, view: QImage) -> None:
        if self.done or self.record_id not in self.session.records:
            return
        if self.stopped:
            self._end()
            return
        kept = self.session.records[self.record_id].thumbnail  # the first page's stays the record's
        self.session.document_page(self.record_id, number)
        self._image = image
        self.session.attach(self.record_id, image, thumbnail(image) if kept is None else kept)
        self.view_ready.emit(self.record_id, view)

    def _on_refused(self, number: int, message: str) -> None:
        if self.done:
            return
        self._page_ended(DonePage(number, None, None, message), failed_page_text(number, message))

    def _on_finished(self, record_id: int, answer: Answer) -> None:
        if record_id != self.record_id or self.done:
            return
        number = self.pages[self._index]
        page = DonePage(number, self._image, answer)
        if answer.stats.stop_reason is StopReason.CANCELLED:
            self.stopped = True
            if not answer.text.strip():
                self._end()  # stopped before a word of this page: it is not part of the document
                return
        self._page_ended(page, answer.text, answer.stats, tuple(answer.tokens))

    def _on_failed(self, record_id: int, failure: Failure) -> None:
        if record_id != self.record_id or self.done:
            return
        number = self.pages[self._index]
        page = DonePage(number, self._image, None, failure.message)
        self._page_ended(page, failed_page_text(number, failure.message))

    def _page_ended(
        self, page: DonePage, text: str, stats: GenerationStats | None = None, tokens: tuple = ()
    ) -> None:
        """Keep the page in the document (with its tokens, for its marks), hand it to the
        history, go on with the next one."""
        self._image = None  # the pixels go once the history has taken them (page_done)
        self.results.append(PageResult(self.name, page.number, text, stats, tokens))
        self.session.document_page_done(self.record_id)  # the page joins the document shown
        self.page_done.emit(self.record_id, page)
        self._index += 1
        self._render_next()

    def _end(self) -> None:
        if self.done:
            return
        self.done = True
        self.session.finished.disconnect(self._on_finished)
        self.session.failed.disconnect(self._on_failed)
        self.document.close()
        self._image = None
        self.session.end_document(self.record_id, f"{self.name}: no page could be read")
        done = len(self.results)
        how = "stopped" if self.stopped else "done"
        self.progress.emit(f"{self.name}: {how}, {done} of {len(self.pages)} pages")
        self.ended.emit(self.record_id)


class DocumentQuestions(Protocol):
    """What opening a document may ask the person (the window answers with dialogs)."""

    def password(self, name: str, wrong: bool) -> str | None:
        """The document's password (`wrong`: the last one given was refused); None: not given."""

    def pages(self, name: str, count: int) -> list[int] | None:
        """Which of the `count` pages to recognise, in order; None: none chosen."""


class DocumentRuns(QObject):
    """Opens the documents coming in and runs each as one record; `runs` maps record id to run."""

    started = Signal(object)  # DocumentRun, before its first page is rendered
    view_ready = Signal(int, object)  # record id, the page under way as a QImage (as Intake's)
    refused = Signal(str)  # a document not opened: one line, said with the batch's other refusals
    progress = Signal(str)  # "page 2 of 3" and the like

    def __init__(
        self, session: RecognitionSession, ask: DocumentQuestions, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.ask = session, ask
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
        document = self._opened(path, name, password)
        if document is None:
            return None
        chosen: list[int] | None = list(range(1, document.page_count + 1))
        refusal = ""
        if pages is not None:
            try:
                chosen = pages.resolve(document.page_count)
            except PageRangeError as error:
                chosen, refusal = None, f"{name}: {error}"
        elif document.page_count > 1:
            chosen, refusal = self.ask.pages(name, document.page_count), f"{name}: no pages chosen"
        if chosen is None:
            document.close()
            self.refused.emit(refusal)
            return None
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

    def _opened(self, path: str | Path, name: str, password: str | None) -> Document | None:
        """The document open, asking again for as long as its password is wrong (None: refused)."""
        while True:
            try:
                return open_document(path, password)
            except PasswordError:
                asked = self.ask.password(name, wrong=password is not None)
                if asked is None:
                    self.refused.emit(f"{name}: no password given")
                    return None
                password = asked
            except DocumentError as error:
                self.refused.emit(str(error))
                return None

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
