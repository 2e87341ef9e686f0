"""How a history row is painted: two unwrapped lines of rich text (title and time, then the
preview or the search match), in a row as tall as the style needs for them."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QLinearGradient,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

HTML_ROLE = Qt.ItemDataRole.UserRole + 2  # the row as rich text (the list model gives it)
DOCUMENT_MARGIN = 2
# What a row holds, to measure its height: a bold title with a small time, then a line of text.
_SAMPLE = "<b>Ág</b> <small>2026-01-01 00:00</small><br>Ág"


def row_document(html: str, font: object | None = None) -> QTextDocument:
    """The row's text laid out on one line per line: a long preview is clipped, never wrapped
    (a wrapped third line would be cut through by the row's bottom edge)."""
    document = QTextDocument()
    if font is not None:
        document.setDefaultFont(font)  # type: ignore[arg-type]
    document.setDocumentMargin(DOCUMENT_MARGIN)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    document.setDefaultTextOption(option)
    document.setHtml(html)
    return document


class HistoryDelegate(QStyledItemDelegate):
    """Paints a row as rich text (title, time, state, then the first line or the match in bold)."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = index.data(HTML_ROLE) or ""
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        document = row_document(text, opt.font)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(group))
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        document.documentLayout().draw(painter, context)
        if document.idealWidth() > rect.width():  # a clipped line fades out: the row says there is more
            behind = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
            background = opt.palette.color(behind)
            _fade_right_edge(painter, QRect(0, 0, rect.width(), rect.height()), background)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """Two lines of the row's font and the style's own padding around its text (the GTK style
        pads more than Fusion); at least as tall as the thumbnail."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        opt.rect = QRect(0, 0, 400, 400)
        padding = (
            opt.rect.height()
            - style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget).height()
        )
        text = int(row_document(_SAMPLE, opt.font).size().height() + 0.999)
        return QSize(200, max(text, opt.decorationSize.height()) + max(padding, 0) + 2)


def _fade_right_edge(painter: QPainter, rect: QRect, background: QColor) -> None:
    width = min(32, rect.width())
    left = rect.right() - width
    gradient = QLinearGradient(QPointF(left, 0), QPointF(rect.right(), 0))
    clear = QColor(background)
    clear.setAlpha(0)
    gradient.setColorAt(0, clear)
    gradient.setColorAt(1, background)
    painter.fillRect(QRect(left, rect.top(), width + 1, rect.height()), gradient)
