"""Delete with Undo: the row goes at once, the record only when the status bar's Undo has gone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

UNDO_MS = 8000


class UndoDelete(QObject):
    """Holds one deletion back for UNDO_MS; a second deletion (or closing) makes the first final."""

    def __init__(self, status_bar: QStatusBar, undo: Callable[[object], None]) -> None:
        super().__init__(status_bar)
        self._undo = undo
        self._final: Callable[[], None] | None = None
        self._token: object = None
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("")
        self.button = QPushButton("Undo")
        self.button.clicked.connect(self.undo)
        row.addWidget(self.label)
        row.addWidget(self.button)
        self.widget.setVisible(False)
        status_bar.addWidget(self.widget)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UNDO_MS)
        self._timer.timeout.connect(self.commit)

    def offer(self, what: str, token: object, final: Callable[[], None]) -> None:
        """`what` was deleted; `final()` deletes it for good unless Undo gives `token` back."""
        self.commit()
        self._final, self._token = final, token
        self.label.setText(f"Deleted {what}")
        self.widget.setVisible(True)
        self._timer.start()

    def undo(self) -> None:
        if self._final is None:
            return
        self._final, token = None, self._token
        self._finish()
        self._undo(token)

    def commit(self) -> None:
        final, self._final = self._final, None
        self._finish()
        if final is not None:
            final()

    def _finish(self) -> None:
        self._timer.stop()
        self.widget.setVisible(False)
