"""A history row paints its two lines whole: a long preview is clipped at the right, never
wrapped onto a third line that the row's bottom edge would cut through."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from desktop_ocr.ui.history.row_delegate import HTML_ROLE, HistoryDelegate

WIDTH = 320


def _row(view: QListView, text: str) -> tuple[QImage, int]:
    """The row painted alone, and its height as the delegate asks for it."""
    model = QStandardItemModel()
    item = QStandardItem()
    item.setData(f"<b>notes.png</b> <small>2026-12-03 13:10</small><br>{text}", HTML_ROLE)
    model.appendRow(item)
    view.setModel(model)
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    option.decorationSize = view.iconSize()
    index = model.index(0, 0)
    height = delegate.sizeHint(option, index).height()
    option.rect = QRect(0, 0, WIDTH, height)
    image = QImage(WIDTH, height * 3, QImage.Format.Format_RGB32)
    image.fill(view.palette().color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return image, height


def _lowest_ink(image: QImage) -> int:
    """The lowest pixel row that holds anything but the background."""
    background = QColor(image.pixel(WIDTH - 1, image.height() - 1))
    for y in range(image.height() - 1, -1, -1):
        for x in range(0, WIDTH, 1):
            if QColor(image.pixel(x, y)) != background:
                return y
    return -1


def test_a_long_preview_takes_no_more_lines_than_a_short_one(qtbot):
    view = QListView()
    qtbot.addWidget(view)
    view.setIconSize(QSize(64, 40))
    view.setItemDelegate(HistoryDelegate(view))
    view.resize(WIDTH, 400)
    short, height = _row(view, "Meeting notes")
    long, long_height = _row(view, "Meeting notes: " + "ship the history panel on Friday, " * 6)
    assert long_height == height
    assert 0 < _lowest_ink(short) < height
    assert _lowest_ink(long) <= _lowest_ink(short) + 1  # no third line, cut or whole
