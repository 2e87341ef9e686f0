"""The codes found in the shown image, above its answer: format, text, Copy, and Open for a link."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...codes import Code, link_of


class CodesStrip(QWidget):
    """One row per code; hidden when the image has none. A link is never followed by itself:
    the text is plain (no anchors), and only the Open button of an http(s) code opens it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl  # tests replace it
        self.said: Callable[[str], None] = lambda _line: None  # the status bar's, once wired
        self.codes: tuple[Code, ...] = ()
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 4)
        self._column.setSpacing(2)
        self.rows: list[QWidget] = []
        self.setVisible(False)

    def set_codes(self, codes: Sequence[Code]) -> None:
        codes = tuple(codes)
        if codes == self.codes:
            return
        self.codes = codes
        for row in self.rows:
            row.deleteLater()
        self.rows = [self._row(code) for code in codes]
        for row in self.rows:
            self._column.addWidget(row)
        self.setVisible(bool(codes))

    def _row(self, code: Code) -> QWidget:
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        kind = QLabel(code.format, row)
        kind.setStyleSheet("font-weight: bold")
        text = QLabel(code.text, row)
        text.setTextFormat(Qt.TextFormat.PlainText)  # never rich text: a code's text is untrusted
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setToolTip(code.text)
        line.addWidget(kind)
        line.addWidget(text, 1)
        copy = QPushButton("Copy", row)
        copy.clicked.connect(lambda: self._copy(code))
        line.addWidget(copy)
        link = link_of(code)
        if link is not None:
            opener = QPushButton("Open", row)
            opener.setToolTip(f"Open {link} in the browser")
            opener.clicked.connect(lambda: self.open_url(QUrl(link)))
            line.addWidget(opener)
        return row

    def _copy(self, code: Code) -> None:
        QGuiApplication.clipboard().setText(code.text)
        self.said(f"Copied the {code.format}'s text")
