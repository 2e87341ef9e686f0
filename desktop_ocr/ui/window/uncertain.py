"""Uncertain spans in the window: the summary, F8 / Shift+F8 stepping, and the editor's marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ...core.records import Record
from ...pages import PageResult, page_text_offsets
from ...render.marks import Span, uncertain_spans


def record_marks(record: Record, below: float) -> list[Span]:
    """Every answered turn's uncertain spans, at their places in `record.transcript()`.

    None once the user has edited the text (the offsets no longer hold), nor for a turn whose
    tokens do not spell its answer or whose answer the transcript rewords (a bare formula).
    """
    if record.edited is not None or below <= 0:
        return []
    if record.pages is not None:
        return document_marks(record.pages, below)
    spans: list[Span] = []
    for turn, tokens, offset in zip(record.turns, record.tokens, record.answer_offsets(), strict=False):
        if offset is None or not tokens or turn.answer is None:
            continue
        if "".join(token.text for token in tokens) != turn.answer:
            continue
        for span in uncertain_spans(tokens, below):
            spans.append(replace(span, start=span.start + offset, end=span.end + offset))
    return spans


def document_marks(pages: Sequence[PageResult], below: float) -> list[Span]:
    """Each answered page's uncertain spans, at their places under the pages' markers."""
    spans: list[Span] = []
    for page, offset in zip(pages, page_text_offsets(pages), strict=True):
        if not page.tokens or "".join(token.text for token in page.tokens) != page.text:
            continue  # a failed page's line, or tokens that do not spell the page
        lead, end = len(page.text) - len(page.text.lstrip("\n")), len(page.text.rstrip("\n"))
        for span in uncertain_spans(page.tokens, below):
            if lead <= span.start and span.end <= end:  # the page's outer newlines are not joined
                spans.append(replace(span, start=span.start + offset, end=span.end + offset))
    return spans


class SpanNavigator:
    """Steps through spans as a spell checker steps through misspellings (wrapping around)."""

    def __init__(self, spans: Sequence[Span] = ()) -> None:
        self.spans: list[Span] = list(spans)
        self.current: int | None = None

    def set_spans(self, spans: Sequence[Span]) -> None:
        self.spans, self.current = list(spans), None

    def summary(self) -> str:
        """For the status bar: "" when there is nothing to look at."""
        count = len(self.spans)
        if count == 0:
            return ""
        return f"{count} uncertain span{'s' if count != 1 else ''} (F8)"

    def next(self, position: int | None = None) -> int | None:
        """Index of the next span: after `position` (a text offset) if given, else after the current."""
        if not self.spans:
            return None
        if position is not None:
            after = [i for i, span in enumerate(self.spans) if span.start >= position]
            self.current = after[0] if after else 0
        else:
            self.current = 0 if self.current is None else (self.current + 1) % len(self.spans)
        return self.current

    def previous(self, position: int | None = None) -> int | None:
        """Index of the previous span (before `position` if given), wrapping to the last."""
        if not self.spans:
            return None
        if position is not None:
            before = [i for i, span in enumerate(self.spans) if span.end <= position]
            self.current = before[-1] if before else len(self.spans) - 1
        else:
            last = len(self.spans) - 1
            self.current = last if self.current is None else (self.current - 1) % len(self.spans)
        return self.current


def mark_editor(editor: QPlainTextEdit, spans: Sequence[Span]) -> None:
    """Wavy-underline the spans in the source editor (extra selections: never in its text)."""
    from .result_pane import mark_color

    color = mark_color(editor.palette())
    selections = []
    length = len(editor.toPlainText())
    for span in spans:
        if span.end > length:
            continue  # the text was edited since; its offsets no longer hold
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(editor.document())
        cursor.setPosition(_qt_position(editor, span.start))
        cursor.setPosition(_qt_position(editor, span.end), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(color)
        fmt.setToolTip(span.tooltip())
        selection.cursor = cursor
        selection.format = fmt
        selections.append(selection)
    editor.setExtraSelections(selections)


class EditorTips(QObject):
    """Hovering a mark in the source editor shows its p and runner-ups, as in the rendered pane."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self.spans: Sequence[Span] = ()
        editor.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return False
        position = self.editor.cursorForPosition(event.pos()).position()
        for span in self.spans:
            if _qt_position(self.editor, span.start) <= position < _qt_position(self.editor, span.end):
                QToolTip.showText(event.globalPos(), span.tooltip(), self.editor)
                return True
        QToolTip.hideText()
        return True


def show_tip(widget: QWidget, rect: QRect, span: Span) -> None:
    """The span's tooltip under its selected text (F8 shows what hovering shows)."""
    QToolTip.showText(widget.mapToGlobal(rect.bottomLeft()), span.tooltip(), widget)


def select_in_editor(editor: QPlainTextEdit, span: Span) -> None:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(_qt_position(editor, span.start))
    cursor.setPosition(_qt_position(editor, span.end), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.ensureCursorVisible()


def _qt_position(editor: QPlainTextEdit, offset: int) -> int:
    """A Python character offset as a Qt (UTF-16) document position."""
    prefix = editor.toPlainText()[:offset]
    return len(prefix.encode("utf-16-le")) // 2
