"""The rich-text result pane: Markdown with rendered formulas, updated at most ~15 times a second."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QMouseEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from ...render.markdown import FORMULA_SCHEME, Document, MarkdownRenderer
from ...render.marks import MARK_ANCHOR, Span
from ...render.math import MathError, MathRenderer
from ...render.style import pane_style_sheet
from .formula_images import formula_image

UPDATE_INTERVAL_MS = 66  # at most ~15 renders a second while streaming
# A render that took T ms is followed by at least T × this of idle GUI time while streaming,
# so that a long answer (slower renders) never starves the event loop.
IDLE_PER_RENDER = 3


class ResultPane(QTextBrowser):
    """Shows one answer; formulas are images drawn from SVG, copied back as their LaTeX."""

    formula_clicked = Signal(str)  # the formula's LaTeX

    def __init__(self, math: MathRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.math = math
        self.markdown = MarkdownRenderer(math)
        self.document_model = Document(html="")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self._text = ""
        self._streaming = False
        self._latex_mode = False
        self._marks: list[Span] = []
        self._images: dict[tuple[Any, ...], QImage] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UPDATE_INTERVAL_MS)
        self._timer.timeout.connect(self._render)
        self.renders = 0
        self._follow_palette()

    @property
    def text(self) -> str:
        return self._text

    def show_text(
        self, text: str, *, streaming: bool = False, latex_mode: bool = False, marks: list[Span] | None = None
    ) -> None:
        """Show `text`; while streaming, renders are batched to the update interval.

        `marks`: uncertain spans in `text`'s character offsets (render.marks.uncertain_spans).
        """
        self._text, self._streaming, self._latex_mode = text, streaming, latex_mode
        self._marks = list(marks or [])
        if streaming:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
            self._render()

    def flush(self) -> None:
        """Render now whatever is pending."""
        if self._timer.isActive():
            self._timer.stop()
            self._render()

    def _render(self) -> None:
        started = time.perf_counter()
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        position = bar.value()
        self.document_model = self.markdown.render(
            self._text, streaming=self._streaming, latex_mode=self._latex_mode, marks=self._marks
        )
        self.setHtml(self.document_model.html)
        if self._marks:
            self._style_marks()
        bar.setValue(bar.maximum() if at_end and self._streaming else position)
        self.renders += 1
        took_ms = (time.perf_counter() - started) * 1000
        self._timer.setInterval(max(UPDATE_INTERVAL_MS, int(took_ms * IDLE_PER_RENDER)))

    def mark_ranges(self) -> list[tuple[int, int, int]]:
        """(span index, start, end) document positions of each marked text run, in order.

        Qt keeps an anchor's name on its first fragment only; the run goes on while the
        following fragments carry the same tooltip (the `title` covers the whole anchor).
        """
        ranges: list[tuple[int, int, int]] = []
        run: tuple[int, str] | None = None  # (index, tooltip) of the run being extended
        block = self.document().begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                fmt = fragment.charFormat()
                start, end = fragment.position(), fragment.position() + fragment.length()
                index = _mark_index(fmt)
                if index is None and fmt.isImageFormat():
                    formula = self.document_model.formula_at(fmt.toImageFormat().name())
                    index = formula.marks[0] if formula and formula.marks else None
                continues = run is not None and ranges and ranges[-1][2] == start
                if index is None and continues and run is not None and fmt.toolTip() == run[1]:
                    ranges[-1] = (run[0], ranges[-1][1], end)
                    iterator += 1
                    continue
                if index is not None:
                    ranges.append((index, start, end))
                    run = (index, fmt.toolTip())
                else:
                    run = None
                iterator += 1
            block = block.next()
        return ranges

    def select_mark(self, index: int) -> bool:
        """Select the span's first run and scroll to it; False if it is not shown."""
        for span_index, start, end in self.mark_ranges():
            if span_index == index:
                cursor = QTextCursor(self.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                self.setTextCursor(cursor)
                self.ensureCursorVisible()
                return True
        return False

    def mark_tooltip(self, position: int) -> str:
        """p and the runner-ups of the mark at a document position ('' where there is none)."""
        for span_index, start, end in self.mark_ranges():
            if start <= position < end and span_index < len(self._marks):
                return self._marks[span_index].tooltip()
        return ""

    def _style_marks(self) -> None:
        """A wavy underline in the mark colour under each marked run (as a spell checker's)."""
        color = mark_color(self.palette())
        for _index, start, end in self.mark_ranges():
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            if cursor.charFormat().isImageFormat():
                continue  # formulas are drawn in the mark colour instead
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(color)
            cursor.mergeCharFormat(fmt)

    def event(self, event: Any) -> bool:
        if event.type() == event.Type.ToolTip:
            cursor = self.cursorForPosition(event.pos())
            layout = self.document().documentLayout()
            # QPoint + QPointF has no operator in PySide6: add two QPointFs.
            index = layout.hitTest(QPointF(event.pos()) + self._scroll_offset(), Qt.HitTestAccuracy.FuzzyHit)
            if index >= 0:
                cursor.setPosition(index)
                cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
            tip = self.mark_tooltip(index) if index >= 0 else ""
            tip = tip or cursor.charFormat().toolTip()
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Serve formula images only: nothing else (files, network) is ever loaded."""
        url = QUrl(name)
        if kind != QTextDocument.ResourceType.ImageResource.value or url.scheme() != FORMULA_SCHEME:
            return None
        formula = self.document_model.formula_at(url.toString())
        if formula is None:
            return None
        color = mark_color(self.palette()) if formula.marks else self.palette().text().color()
        ratio = self.devicePixelRatioF()
        key = (formula.tex, formula.display, formula.alone, color.rgba(), ratio, self.font().toString())
        image = self._images.get(key)
        if image is None:
            try:
                svg = self.math.render(formula.tex, formula.display)
            except MathError:
                return None
            image = formula_image(svg, self.font(), color, ratio, formula.display, formula.alone)
            if len(self._images) > 1024:
                self._images.clear()
            self._images[key] = image
        return image

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._follow_palette()
        if event.type() in (event.Type.PaletteChange, event.Type.FontChange) and self._text:
            self._images.clear()
            self._render()

    def _follow_palette(self) -> None:
        """Code's tint and the room around tables, in this palette's colours (read at each setHtml)."""
        palette = self.palette()
        sheet = pane_style_sheet(palette.base().color().name(), palette.text().color().name())
        self.document().setDefaultStyleSheet(sheet)

    def formula_at_position(self, position: Any) -> str | None:
        """The LaTeX of the formula image under a viewport point, if any."""
        layout = self.document().documentLayout()
        point = position + self._scroll_offset()
        index = layout.hitTest(point, Qt.HitTestAccuracy.ExactHit)
        if index < 0:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(index)
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
        fmt = cursor.charFormat()
        if not fmt.isImageFormat():
            return None
        formula = self.document_model.formula_at(fmt.toImageFormat().name())
        return formula.tex if formula else None

    def _scroll_offset(self) -> Any:
        from PySide6.QtCore import QPointF

        return QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            tex = self.formula_at_position(event.position())
            if tex is not None:
                self.formula_clicked.emit(tex)
        super().mouseReleaseEvent(event)

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copying a selection gives formulas back as their LaTeX source."""
        mime = QMimeData()
        mime.setText(self.selected_source())
        return mime

    def selected_source(self) -> str:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return ""
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        parts: list[str] = []
        block = self.document().findBlock(start)
        while block.isValid() and block.position() <= end:
            if parts:
                parts.append("\n")
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                f_start, f_end = fragment.position(), fragment.position() + fragment.length()
                lo, hi = max(start, f_start), min(end, f_end)
                if lo < hi:
                    fmt = fragment.charFormat()
                    formula = (
                        self.document_model.formula_at(fmt.toImageFormat().name())
                        if fmt.isImageFormat()
                        else None
                    )
                    if formula is not None:
                        delimiter = "$$" if formula.display else "$"
                        parts.append(f"{delimiter}{formula.tex}{delimiter}")
                    else:
                        parts.append(fragment.text()[lo - f_start : hi - f_start].replace("\u2028", "\n"))
                iterator += 1
            block = block.next()
        return "".join(parts)

    @staticmethod
    def _open_link(url: QUrl) -> None:
        """Open http(s) and mailto links in the browser; never files or anything else."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


def _mark_index(fmt: QTextCharFormat) -> int | None:
    for name in fmt.anchorNames():
        if name.startswith(MARK_ANCHOR):
            return int(name[len(MARK_ANCHOR) :])
    return None


def mark_color(palette: Any) -> Any:
    """An orange that reads on light and dark bases: darker on a light base, lighter on a dark one."""
    from PySide6.QtGui import QColor

    return QColor("#d35400") if palette.base().color().lightness() > 128 else QColor("#ffa040")
