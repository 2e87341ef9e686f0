"""The current record in the panes: its image, its answer rendered or as source, marks, stats."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QFontDatabase, QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.image_decode import view_image
from ...core.records import Record, State
from ...core.session import RecognitionSession
from ...engine.backend import Answer
from ...engine.families import ModelProfile
from ...render.linebreaks import LineBreaks, apply_line_breaks
from ...render.math import default_math_renderer
from ..history.panel import HistoryPanel
from .codes_strip import CodesStrip
from .document_pages import DocumentPages, PageBar, image_area, scroll_to_page
from .image_view import ImageView
from .profile_limits import FOLLOW_UP_IMAGE, limit_follow_up
from .result_pane import ResultPane
from .status_bar import StatusGroup
from .uncertain import EditorTips, SpanNavigator, mark_editor, record_marks, select_in_editor, show_tip


class RecordView(QObject):
    """Shows the history list's current record and follows the session's changes to it.

    `uncertain_below` reads the marks' threshold setting each time a record is shown; the
    user's edits in the source editor go to the session.
    """

    def __init__(
        self, session: RecognitionSession, history: HistoryPanel, uncertain_below: Callable[[], float]
    ) -> None:
        super().__init__(session)
        self.session, self.history, self.uncertain_below = session, history, uncertain_below
        self.pane = ResultPane(default_math_renderer())
        self.pane.setAcceptDrops(False)
        self.source = QPlainTextEdit()
        self.source.setAcceptDrops(False)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))  # Markdown, LaTeX
        self.source.textChanged.connect(self._edited)
        self.source_tips = EditorTips(self.source)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pane)
        self.stack.addWidget(self.source)
        self.image_view = ImageView()
        self.image_view.setAccessibleName("Image")
        self.page_bar = PageBar()  # a document's Previous / "Page 2 of 3" / Next, under its image
        self.image_side = image_area(self.image_view, self.page_bar)
        self.document_pages = DocumentPages(
            self.image_view, self.page_bar, self.image_side, history.page_source
        )
        self.document_pages.page_chosen.connect(self._scroll_to_page)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText(FOLLOW_UP_IMAGE)
        self.follow_up.setAccessibleName("Follow-up question")
        self.ask_button = QPushButton("Ask")
        self.codes = CodesStrip()
        self.asked = QLabel("")  # a custom prompt's question, above its answer
        self.asked.setWordWrap(True)
        self.asked.setVisible(False)
        self.answer_side = QWidget()  # the question asked, the codes, the answer; follow-ups below
        column, row = QVBoxLayout(self.answer_side), QHBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.asked)
        column.addWidget(self.codes)
        column.addWidget(self.stack, 1)
        column.addLayout(row)
        row.addWidget(self.follow_up)
        row.addWidget(self.ask_button)
        self.marks = SpanNavigator()
        self.marks_label, self.stats_label = StatusGroup(), StatusGroup()
        self.lines = LineBreaks.KEEP  # how the pane shows a finished answer's line breaks
        self.profile: ModelProfile | None = None  # the loaded model family's limits
        history.list_view.selectionModel().currentChanged.connect(lambda *_: self.show_current())
        history.view_decoded.connect(self.show_view_image)
        session.record_changed.connect(self._on_record_changed)
        session.chunk.connect(self._on_chunk)
        for signal in (session.model_loading, session.model_ready, session.model_failed):
            signal.connect(lambda *_: self.refresh())  # a waiting image says why it waits

    def current(self) -> Record | None:
        record_id = self.history.current_id()
        return self.session.records.get(record_id) if record_id is not None else None

    def show_current(self) -> None:
        record_id = self.history.open_current()  # an older record is read back into the session
        if record_id is None:
            self.document_pages.show_record(None)
            return
        record = self.session.records[record_id]
        if not self.document_pages.show_record(record):  # a document shows one page at a time
            image = self.history.image_in_memory(record_id)
            self.image_view.set_image(view_image(image) if image is not None else None)
            if image is None:
                self.history.load_view(record_id)  # from disk, decoded off the GUI thread
        self.show(record)

    def show_view_image(self, record_id: int, view: object) -> None:
        """A newly decoded image's view, shown if its record is the current one."""
        if self.history.current_id() == record_id and self.document_pages.record_id != record_id:
            self.image_view.set_image(view)  # type: ignore[arg-type]

    def show_page_under_way(self, record_id: int, view: QImage) -> None:
        """A document run rendered its next page: shown while the user follows the run."""
        record = self.session.records.get(record_id)
        if record is not None:
            self.document_pages.update(record)
            self.document_pages.under_way(record_id, len(record.pages or ()), view)

    def _scroll_to_page(self, number: int) -> None:
        """The user went to a page: the answer shows that page's marker at its top."""
        scroll_to_page(self.source if self.editing else self.pane, number, rendered=not self.editing)

    def _on_record_changed(self, record_id: int) -> None:
        if self.history.current_id() == record_id:
            self.show(self.session.records[record_id])

    def _on_chunk(self, record_id: int, _text: str) -> None:
        if self.history.current_id() == record_id:
            record = self.session.records[record_id]  # re-rendered at the pane's own pace
            self.pane.show_text(record.transcript(), streaming=True, latex_mode=record.bare_latex)

    def show(self, record: Record) -> None:
        self.document_pages.update(record)
        self.codes.set_codes(record.codes or ())
        self._show_question(record)
        text = record.transcript()
        if record.state is State.FAILED and not text:
            text = f"*{record.error}*"
        elif record.state is State.QUEUED and not text and not self.session.ready:
            text = f"*{waiting_reason(self.session)}*"
        streaming = record.state is State.RUNNING
        # Marks once an answer is whole (never while it streams), dropped once the user edits.
        marks = [] if streaming else record_marks(record, self.uncertain_below())
        shown = text
        if not streaming and self.lines is not LineBreaks.KEEP:
            shown = apply_line_breaks(text, self.lines)
            marks = marks if shown == text else []  # the marks' offsets are the written text's
        self.pane.show_text(shown, streaming=streaming, latex_mode=record.bare_latex, marks=marks)
        self.source.setReadOnly(record.document_running)  # the next page would replace an edit
        # A follow-up is about one image, to a model that takes them: else it is off, saying why.
        limit_follow_up(self.follow_up, self.ask_button, self.profile, document=record.is_document)
        if self.source.toPlainText() != text:
            self.source.blockSignals(True)
            self.source.setPlainText(text)
            self.source.blockSignals(False)
        if marks != self.marks.spans:
            self.marks.set_spans(marks)
            mark_editor(self.source, marks)
            self.source_tips.spans = marks
            self.marks_label.setText(self.marks.summary())
        # A record without stats (still running, or stored without) must not show the last one's.
        self.stats_label.setText(stats_text(Answer(text, record.stats)) if record.stats is not None else "")

    def _show_question(self, record: Record) -> None:
        """A custom prompt is not a mode's name: say what was asked (a mode's prompt goes without saying)."""
        custom = record.mode == "custom" and bool(record.question.strip())
        self.asked.setText(f"Asked: {record.question.strip()}" if custom else "")
        self.asked.setVisible(custom)

    def refresh(self) -> None:
        """Show the current record again (the marks' threshold changed)."""
        record = self.current()
        if record is not None:
            self.show(record)

    def _edited(self) -> None:
        record = self.current()
        if record is not None and record.state is not State.RUNNING:
            self.session.edit(record.record_id, self.source.toPlainText())

    def select_mark(self, forward: bool) -> bool:
        """Select the next (previous) uncertain span where the text is shown; False when none."""
        index = self.marks.next() if forward else self.marks.previous()
        if index is None:
            return False
        span = self.marks.spans[index]
        widget = self.source if self.editing else self.pane
        if self.editing:
            select_in_editor(self.source, span)
        elif not self.pane.select_mark(index):
            return True  # not shown (a rewritten formula): stepped over, nothing to point at
        show_tip(widget.viewport(), widget.cursorRect(), span)  # what hovering the mark shows
        return True

    @property
    def editing(self) -> bool:
        return self.stack.currentWidget() is self.source

    def toggle_source(self) -> bool:
        """Switch between the rendered answer and its editable source; True when editing."""
        editing = not self.editing
        self.stack.setCurrentWidget(self.source if editing else self.pane)
        return editing


def waiting_reason(session: RecognitionSession) -> str:
    """Why a queued image has no answer yet, while no model is loaded."""
    if session.load_failure is not None:
        return "Waiting for a model: choose one in Settings (it runs as soon as one loads)"
    return "Waiting for the model to load…"


def stats_text(answer: Answer) -> str:
    stats = answer.stats
    parts = [f"{stats.visual_tokens} visual tokens"]
    if stats.time_to_first_token is not None:
        parts.append(f"first token {stats.time_to_first_token:.1f} s")
    if stats.tokens_per_second:
        parts.append(f"{stats.tokens_per_second:.1f} tok/s")
    return " · ".join(parts)
