"""Toolbar actions enabled only when they have something to act on (not Ctrl+E on the welcome page)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction

from ...core.records import Record, State
from ...core.session import RecognitionSession


class ActionStates(QObject):
    """Recognize again, Stop, Copy, Save as and Edit source follow the shown record and the session."""

    def __init__(
        self, session: RecognitionSession, current: Callable[[], Record | None], actions: dict[str, QAction]
    ) -> None:
        super().__init__(session)
        self.session, self.current, self.actions = session, current, actions
        self._pending = QTimer(self)  # one update per burst of changes (a streaming answer)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.update)
        for signal in (
            session.record_added,
            session.record_changed,
            session.record_removed,
            session.model_ready,
        ):
            signal.connect(lambda *_: self._pending.start())
        self.update()

    def changed(self) -> None:
        """The shown record changed."""
        self._pending.start()

    def update(self) -> None:
        record = self.current()
        has_text = record is not None and bool(record.transcript().strip())
        running = any(r.busy for r in self.session.records.values())
        self.actions["again"].setEnabled(record is not None and record.state is not State.OPENING)
        self.actions["stop"].setEnabled(running)
        self.actions["copy"].setEnabled(has_text)
        self.actions["save"].setEnabled(has_text)
        self.actions["source"].setEnabled(record is not None)
