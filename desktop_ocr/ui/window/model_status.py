"""The status bar's model part: the loader's lines, the download's progress, the model's name."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressBar, QStatusBar

from ...core.session import RecognitionSession
from .status_bar import StatusGroup


class ModelStatus(QObject):
    """Shows the session's loading signals in `bar`'s permanent widgets."""

    def __init__(self, session: RecognitionSession, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.session, self.bar = session, bar
        self.label = StatusGroup("loading model…")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 0)
        self._loader_line = ""  # the loader's last status line, cleared once the model is ready
        session.model_loading.connect(self._on_loading)
        session.model_ready.connect(self._on_ready)
        session.model_failed.connect(lambda _failure: self._done("no model"))
        session.download_progress.connect(self._on_download)
        session.status.connect(self._on_status)

    def _on_loading(self) -> None:
        self.label.setText("loading model…")
        self.progress.setRange(0, 0)
        self.progress.show()

    def _on_status(self, message: str) -> None:
        """Loader lines (loading, converting, warming up) stay until the model is ready."""
        if self.session.ready:
            self.bar.showMessage(message, 5000)
            return
        self._loader_line = message
        self.bar.showMessage(message)
        self.label.setText(message)  # permanent: a passing message cannot hide the progress
        self.progress.setToolTip(message)

    def _on_download(self, done: int, total: int) -> None:
        self.progress.show()
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self.progress.setFormat(f"downloading {done / 1e9:.2f} / {total / 1e9:.2f} GB")
        if total and done >= total:
            self.progress.setRange(0, 0)

    def _on_ready(self, description: str) -> None:
        self._done(description)

    def _done(self, label: str) -> None:
        self.label.setText(label)
        self.progress.hide()
        if self._loader_line and self.bar.currentMessage() == self._loader_line:
            self.bar.clearMessage()
        self._loader_line = ""
