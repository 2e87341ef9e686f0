"""The composition root: one `App` owns the session, the history, documents, snipping, the
notifier, hotkeys and the tray, and holds the flows between them. The window is a view: it
emits intents (snip, files given, stop, ask, …) that the App's verbs answer, and renders.

How a snip becomes a record, top to bottom:
  ui/snip/overlay.py (the drag) → ui/snip/flow.py `taken` → App._on_snip_taken → App.add_incoming
  → core/intake.py (a record at once, decoded off the GUI thread) → core/session.py → worker
  → the backend → core/session.py `finished` → App._on_answer_ended (the history write, the copy,
  the notification: all in that one method) → core/history_writer.py → history/store.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QSettings, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from ..config import RunFlags
from ..core import incoming as inputs
from ..core.collector import GuiThreadCollector
from ..core.document_run import DocumentRun, DocumentRuns
from ..core.failures import Failure, Wording, word_load_failure, word_run_failure
from ..core.incoming import Incoming, SourceKind
from ..core.intake import Intake
from ..core.records import Record, State
from ..core.session import RecognitionSession
from ..core.settings_store import Settings
from ..core.worker import BackendFactory
from ..engine.backend import Answer
from ..engine.presets import Preset
from ..engine.stats import StopReason
from ..history import HistoryStore
from .documents.dialogs import DialogQuestions
from .platform.hotkeys import HotkeyController
from .platform.notifier import Notifier
from .settings.apply import apply_settings, ask_settings
from .snip.flow import SnipFlow
from .window.main_window import MainWindow
from .window.record_view import stats_text

COMMIT_WAIT_S = 2.0  # the longest an answer's history write holds the window (a locked database)


class App(QObject):
    """The app's state and flows; `window` is its view.

    `answer_ended(record id)`: an answer (or a whole document) ended and its end was handled:
    recorded, copied, notified. `snip_ended(taken)`: a snip is over either way.
    """

    answer_ended = Signal(int)
    snip_ended = Signal(bool)

    def __init__(
        self,
        settings: Settings,
        store: QSettings,
        *,
        backend_factory: BackendFactory | None = None,
        persist: bool = True,
    ) -> None:
        super().__init__()
        self.settings, self.store, self.persist = settings, store, persist
        self.run_flags = RunFlags(settings)  # this run's command-line values: used, not saved
        self.log: Callable[[str], None] = lambda _message: None  # --verbose prints these
        self.hotkeys: HotkeyController | None = None
        self._tray: QSystemTrayIcon | None = None
        self.notifier = Notifier(enabled=settings.notify)
        self.window = MainWindow(settings, store if persist else None)
        self.history = self.window.history
        self.session = RecognitionSession(
            settings.engine_options(),
            settings.server_options(),
            keeper=self.history.keeper,
            backend_factory=backend_factory,
            parent=self,
        )
        self.history.attach(self.session, settings)
        self.window.attach(self.session)
        self.intake = Intake(self.session, self)
        self.documents = DocumentRuns(self.session, DialogQuestions(self.window), self)
        self.snips = SnipFlow(
            lambda: self.settings.capture_handler or None, self,
            presets=lambda: self.settings.preset_list(), mode_label=self.window.question.mode_box.currentText,
            wait_for_key=lambda: self.settings.snip_wait_for_key,
        )  # fmt: skip
        self._snip_restore = False  # the window was shown when the snip began
        self._snip_private = False  # this snip's answer is never recorded
        self._snips = 0
        self._shut = False  # shut_down ran (it is called from the window's close and from quit)
        self.collector = GuiThreadCollector(parent=self)
        self.collector.start()
        self._connect()
        self.session.load()

    def _connect(self) -> None:
        window, session = self.window, self.session
        window.incoming_given.connect(self.add_incoming)
        window.snip_requested.connect(self.snip)
        window.again_requested.connect(self.recognize_again)
        window.stop_requested.connect(self.stop)
        window.ask_requested.connect(self.ask)
        window.settings_requested.connect(self.open_settings)
        window.quit_requested.connect(self.quit)
        window.close_requested.connect(self.shut_down)
        self.notifier.clicked.connect(self.open_record)
        session.model_ready.connect(lambda description: self.log(f"ready: {description}"))
        session.model_ready.connect(self._on_model_ready)
        session.model_failed.connect(
            lambda failure: self.window.say(word_load_failure(failure), retry=self.reload_model)
        )
        session.finished.connect(self._on_answer_ended)
        session.worker.signals.released.connect(self.collector.collect)
        session.failed.connect(self._on_failed)
        self.intake.view_ready.connect(window.view.show_view_image)
        self.intake.refused.connect(window.show_status)
        self.documents.view_ready.connect(window.view.show_page_under_way)
        self.documents.refused.connect(self.intake.refuse)  # said in one line with refused images
        self.documents.progress.connect(lambda line: window.show_status(line, 0))
        self.documents.started.connect(self._on_document_started)
        self.snips.taken.connect(self._on_snip_taken)
        self.snips.cancelled.connect(self._on_snip_cancelled)
        self.snips.failed.connect(self._on_snip_failed)

    def _on_model_ready(self, _description: str) -> None:
        # A specialist OCR family takes its card's modes only: the window offers no more.
        self.window.limit_to_profile(getattr(self.session.worker.backend, "profile", None))

    # ----- what tests and the launcher read
    @property
    def records(self) -> dict[int, Record]:
        return self.session.records

    @property
    def model_ready(self) -> bool:
        return self.session.ready

    @property
    def tray(self) -> QSystemTrayIcon | None:
        return self._tray

    @tray.setter
    def tray(self, tray: QSystemTrayIcon | None) -> None:
        self._tray = tray
        self.window.tray_available = tray is not None
        self.notifier.set_tray(tray)  # its balloon is the notification where D-Bus has none

    def current_record(self) -> Record | None:
        return self.window.view.current()

    # ----- seams for tests: what happened, without reaching into the collaborators
    @property
    def document_runs(self) -> dict[int, DocumentRun]:
        return self.documents.runs

    @property
    def history_store(self) -> HistoryStore | None:
        return self.history.sync.store

    def stored_id(self, record_id: int) -> int | None:
        """The history store's id of a session record (None: not written yet, or private)."""
        return self.history.sync.store_id(record_id)

    def flush_history(self) -> None:
        """Wait until every write handed to the history so far is done."""
        self.history.sync.flush()

    # ----- verbs: images and documents in
    def add_incoming(self, incoming: Iterable[Incoming], preset: Preset | None = None) -> list[int]:
        """Give each image a record at once (OPENING), decoded on the intake's thread; open each
        document (its dialogs) as one record. The question is the toolbar's, or `preset`'s."""
        mode, question, latex = (
            (preset.name, preset.prompt, False) if preset else self.window.question_asked()
        )
        images, documents = self.documents.split(incoming)
        # Images first: their decoding is under way while a document's dialogs are open, and a
        # refused document is said in one line with the images refused.
        added = self.intake.add(images, mode, question, latex)
        added += self.documents.open_all(documents, (mode, question, latex))
        if added:
            self.open_record(added[0], front=False)
        return added

    def add_paths(self, paths: Iterable[str | Path], kind: SourceKind = SourceKind.FILE) -> list[int]:
        return self.add_incoming(inputs.from_paths(paths, kind))

    def add_mime(self, mime: QMimeData, name: str) -> bool:
        return bool(self.add_incoming(inputs.from_mime(mime, name)))

    # ----- verbs: asking
    def recognize_again(self) -> None:
        record = self.current_record()
        if record is None:
            return
        if record.is_document:  # a new record from the file, as Recognize again does for images
            if record.path and not record.document_running:
                self.add_paths([record.path], record.source)
            return
        mode, question, latex = self.window.question_asked()
        self.session.recognize(record.record_id, question, mode=mode, latex_mode=latex)

    def ask(self, question: str) -> None:
        """A follow-up question about the shown record's image."""
        record = self.current_record()
        if record is None or not question.strip():
            return
        if record.is_document:
            self.window.show_status("Follow-ups are about one image: snip the page to ask", 8000)
            return
        if not self.session.ask(record.record_id, question.strip()):
            self.window.show_status("Wait for the answer, or press Stop first", 5000)
            return
        self.window.view.follow_up.clear()

    def stop(self) -> None:
        """Stop the running recognition; queued ones are dropped, and so are a document's other pages."""
        self.documents.stop()
        self.session.stop()

    # ----- the end of an answer: history, copy, notification, in this one place
    def _on_answer_ended(self, record_id: int, answer: Answer) -> None:
        record = self.session.records[record_id]
        if not record.document_running:  # a document's pages are written as one record at its end
            written = self.history.sync.record_answer(record_id, answer)
            # Committed before this handler returns, so before the window paints the answer as
            # finished (and before the log line): a crash or kill -9 from then on loses nothing.
            # The image's PNG was made while the model ran: this waits for an insert. A history
            # that another program holds locked does not freeze the window past COMMIT_WAIT_S.
            if written is not None:
                with contextlib.suppress(TimeoutError):
                    written.result(timeout=COMMIT_WAIT_S)
        self.window.view.stats_label.setText(stats_text(answer))
        self.log(f"{record.name}: {answer.stats.summary()}")
        if answer.stats.stop_reason is StopReason.REPETITION:
            self.window.show_status("Stopped: the model was repeating itself", 8000)
        if record.document_running:
            return  # one page of a document: the run keeps it; copied and notified once it ends
        if record.state is State.DONE:
            self._answered(record_id)
        self.answer_ended.emit(record_id)

    def _on_document_started(self, run: DocumentRun) -> None:
        self.history.sync.follow(run)  # its pages are encoded as they end, written as one record
        run.ended.connect(self._on_document_ended)

    def _on_document_ended(self, record_id: int) -> None:
        record = self.session.records.get(record_id)
        if record is not None and record.pages and record.state is not State.CANCELLED:
            self._answered(record_id)
        self.answer_ended.emit(record_id)

    def _answered(self, record_id: int) -> None:
        record = self.session.records[record_id]
        copied = self.settings.auto_copy and self.history.current_id() == record_id
        if copied:
            self.window.copy_markdown()
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
        self.history.sync.record_failure(record_id, failure)
        if not self.window.isVisible():
            self.open_record(record_id)  # a snip from the tray failed: show why
        self.say(word_run_failure(failure))
        self.answer_ended.emit(record_id)

    # ----- snipping
    def snip(self, private: bool = False) -> None:
        """Hide the window, grab every screen, show the freeze-frame overlays.

        A private snip's answer is shown (marked private) but never written to the history."""
        if self.snips.active:
            return
        self._snip_private = private
        self._snip_restore = self.window.isVisible()
        self.window.hide()
        self.snips.start()

    def _on_snip_taken(self, image: QImage, preset: Preset | None = None) -> None:
        self.log(f"snip: {image.width()}×{image.height()} px" + (f", preset {preset.name}" if preset else ""))
        # Snipped from the tray (the hotkey with the window hidden): stay there, the notification
        # says when the text is ready. Without a tray or notifications, show the window.
        if self._snip_restore or not (self.tray is not None and self.notifier.enabled):
            self.window.bring_to_front()
        self._snips += 1
        private, self._snip_private = self._snip_private, False
        name = f"private snip {self._snips}" if private else f"snip {self._snips}"
        added = self.add_incoming([Incoming(name, SourceKind.SNIP, image)], preset)
        if private:
            self.history.sync.private.update(added)
        self.snip_ended.emit(True)

    def _on_snip_cancelled(self) -> None:
        self._snip_private = False
        self.log("snip: cancelled")
        if self._snip_restore:
            self.window.bring_to_front()
        self.snip_ended.emit(False)

    def _on_snip_failed(self, message: str) -> None:
        self._snip_private = False
        self.window.bring_to_front()
        self.say(
            Wording("Cannot capture the screen", message, "Open an image file or paste one instead.", False)
        )
        self.snip_ended.emit(False)

    # ----- showing
    def say(self, wording: Wording) -> None:
        self.window.say(wording)

    def open_record(self, record_id: object, front: bool = True) -> None:
        """Show the window on that record (a notification was clicked, or it was just added)."""
        if front:
            self.window.bring_to_front()
        if isinstance(record_id, int) and record_id in self.session.records:
            self.window.show_record(record_id)

    # ----- settings
    def open_settings(self) -> None:
        apply_hotkey = self.hotkeys.apply if self.hotkeys is not None else None
        chosen = ask_settings(self.settings, self.window, apply_hotkey, self.store)
        if chosen is not None:
            self.apply_settings(chosen)

    def apply_settings(self, settings: Settings) -> None:
        store = self.store if self.persist else None
        old, self.settings = self.settings, settings
        # Settings → OK saves what the user chose, never a value that only came from a flag.
        to_save, self.run_flags = self.run_flags.to_save(settings), self.run_flags.after(settings)
        reload = apply_settings(old, settings, self.history, self.session, self.notifier, store, to_save)
        self.window.settings_changed(settings)
        if reload:
            self.reload_model()

    def reload_model(self) -> None:
        self.session.load(self.settings.engine_options(), self.settings.server_options())

    # ----- closing
    def quit(self) -> None:
        self.window.close_for_good()  # its close shuts the app down
        QApplication.quit()

    def shut_down(self) -> None:
        """Cancel whatever runs, finish decoding and join the worker thread (once)."""
        if self._shut:
            return
        self._shut = True
        self.intake.wait()
        self.documents.shut_down()
        self.session.shut_down()
        self.history.close()
        self.collector.stop()
