"""An answer ended: the stats, the repetition line, auto-copy, the notification, a failure's wording."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from ...core.failures import Failure, Wording, word_run_failure
from ...core.records import State
from ...core.session import RecognitionSession
from ...engine.backend import Answer
from ...engine.stats import StopReason
from ..platform.notifier import Notifier
from .record_view import stats_text


class AnswerDone(QObject):
    """Follows the session's `finished` and `failed` for `window`; `ended(record_id)` after each.

    A finished answer is copied (auto-copy, when it is the one shown) and notified when the
    window is hidden or in the back; hidden with no notification, the window opens on it.
    """

    ended = Signal(int)

    def __init__(
        self,
        window: QMainWindow,
        session: RecognitionSession,
        notifier: Notifier,
        stats_label: QLabel,
        *,
        current_id: Callable[[], int | None],
        auto_copy: Callable[[], bool],
        copy: Callable[[], None],
        open_record: Callable[[int], None],
        say: Callable[[Wording], None],
        log: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window, self.session, self.notifier, self.stats_label = window, session, notifier, stats_label
        self.current_id, self.auto_copy, self.copy = current_id, auto_copy, copy
        self.open_record, self.say, self.log = open_record, say, log
        session.finished.connect(self._on_finished)
        session.failed.connect(self._on_failed)

    def _on_finished(self, record_id: int, answer: Answer) -> None:
        record = self.session.records[record_id]
        self.stats_label.setText(stats_text(answer))
        self.log(f"{record.name}: {answer.stats.summary()}")
        if answer.stats.stop_reason is StopReason.REPETITION:
            self.window.statusBar().showMessage("Stopped: the model was repeating itself", 8000)
        if record.document_running:
            return  # one page of a document: copied and notified once the document ends
        if record.state is State.DONE:
            self._answered(record_id)
        self.ended.emit(record_id)

    def document_ended(self, record_id: int) -> None:
        """A document's run ended (ui/document_run.py): its whole text is the answer."""
        record = self.session.records.get(record_id)
        if record is not None and record.pages and record.state is not State.CANCELLED:
            self._answered(record_id)
        self.ended.emit(record_id)

    def _answered(self, record_id: int) -> None:
        record = self.session.records[record_id]
        copied = self.auto_copy() and self.current_id() == record_id
        if copied:
            self.copy()
        visible = self.window.isVisible()
        told = self.notifier.answer_finished(
            record_id, record.transcript(), copied, visible, self.window.isActiveWindow()
        )
        if not told and not visible:
            self.open_record(record_id)  # hidden, and no notification could say so

    def _on_failed(self, record_id: int, failure: Failure) -> None:
        record = self.session.records.get(record_id)
        if record is not None and record.document_running:
            return  # the page is marked in the document, and the others go on
        if not self.window.isVisible():
            self.open_record(record_id)  # a snip from the tray failed: show why
        self.say(word_run_failure(failure))
        self.ended.emit(record_id)
