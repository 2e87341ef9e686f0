"""The main window: a thin view over the RecognitionSession (layout, actions, drops, showing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QMimeData, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from ...core import incoming as inputs
from ...core.failures import Wording, word_load_failure
from ...core.incoming import Incoming, SourceKind
from ...core.intake import Intake
from ...core.records import Record
from ...core.session import RecognitionSession
from ...core.settings_store import Settings
from ...engine.presets import Preset
from ...render.export import Delimiters
from ..documents.dialogs import save_record_as
from ..documents.window_documents import WindowDocuments
from ..history.panel import HistoryPanel
from ..platform.hotkeys import HotkeyController
from ..platform.notifier import Notifier
from ..settings.apply import apply_settings, ask_settings
from ..snip.flow import SnipFlow
from ..snip.overlay import SnipSession
from ..snip.window_snips import WindowSnips
from . import actions as window_actions
from . import alerts, copying, geometry
from .action_states import ActionStates
from .answer_done import AnswerDone
from .model_status import ModelStatus
from .question_box import QuestionBox
from .record_view import RecordView


class MainWindow(QMainWindow):
    answer_finished = Signal(int)  # record id; for tests and auto-copy
    snip_ended = Signal(bool)  # True when a region was taken
    # Made from window_actions.ACTIONS (each as `<name>_action`); these are used from outside.
    snip_action: QAction
    private_snip_action: QAction
    show_action: QAction
    quit_action: QAction
    again_action: QAction
    source_action: QAction
    save_action: QAction

    def __init__(self, settings: Settings, store: QSettings, *, persist: bool = True) -> None:
        super().__init__()
        self.settings, self.store, self.persist = settings, store, persist
        self.setWindowTitle("desktop-ocr")
        self.setAcceptDrops(True)
        self.error_box: QMessageBox | None = None
        self._tray: QSystemTrayIcon | None = None
        self.hotkeys: HotkeyController | None = None  # the composition root's (ui/app.py)
        self._quitting = False
        self.log: Callable[[str], None] = lambda _message: None  # --verbose prints these
        self.notifier = Notifier(enabled=settings.notify)
        self.notifier.clicked.connect(self.open_record)
        self.history = HistoryPanel(self)  # the left list is the history (history_panel.py)
        self.session = RecognitionSession(
            settings.engine_options(), settings.server_options(), keeper=self.history.keeper, parent=self
        )
        self.history.attach(self.session, settings)
        self.records, self.item_list = self.history.model, self.history.list_view
        self.intake = Intake(self.session, self)
        self.docs = WindowDocuments(self, self.session, self._question, say=self.intake.refuse)
        self.view = RecordView(self.session, self.history, lambda: self.settings.uncertain_below)
        self.question = QuestionBox(settings.preset_list(), settings.mode)
        self.snips = SnipFlow(
            lambda: self.settings.capture_handler or None, self,
            presets=lambda: self.settings.preset_list(), mode_label=self.question.mode_box.currentText,
            wait_for_key=lambda: self.settings.snip_wait_for_key,
        )  # fmt: skip
        self.snipping = WindowSnips(
            self, self.snips, self.add_incoming, self.bring_to_front,
            stay_hidden=lambda: self.tray is not None and self.notifier.enabled,
            say=self._say, log=lambda message: self.log(message), private_ids=self.history.sync.private,
        )  # fmt: skip
        self.done = AnswerDone(
            self, self.session, self.notifier, self.view.stats_label,
            current_id=self.history.current_id, auto_copy=lambda: self.settings.auto_copy,
            copy=self.copy_markdown, open_record=self.open_record, say=self._say,
            log=lambda message: self.log(message),
        )  # fmt: skip
        self._build_ui()
        self._connect()
        self.session.load()

    def _build_ui(self) -> None:
        view = self.view  # the widgets tests and the history panel reach through the window
        self.pane, self.source, self.result_stack, self.image_view = (
            view.pane,
            view.source,
            view.stack,
            view.image_view,
        )
        self.marks, self.marks_label, self.follow_up = view.marks, view.marks_label, view.follow_up
        self.mode_box, self.custom_prompt = self.question.mode_box, self.question.custom_prompt
        images = QSplitter(Qt.Orientation.Vertical)
        images.addWidget(self.history.widget)
        images.addWidget(self.image_view)
        images.setSizes([300, 400])
        splitter = QSplitter()
        splitter.addWidget(images)
        splitter.addWidget(view.answer_side)
        splitter.setSizes([400, 600])
        actions = window_actions.build_actions(self)
        button, self.copy_as = window_actions.copy_button(actions["copy"], self.copy_as_format)
        widgets: dict[str, QWidget | list[QWidget]] = {
            "question": [self.mode_box, self.custom_prompt],
            "copy_button": button,
        }
        toolbar = window_actions.build_toolbar(actions, widgets)
        self.addToolBar(toolbar)
        self.question.bind(toolbar)
        self.action_states = ActionStates(self.session, self.current_item, actions)
        self.item_list.selectionModel().currentChanged.connect(lambda *_: self.action_states.changed())
        self.welcome = QLabel(window_actions.welcome_text(actions))
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.pages = QStackedWidget()  # the welcome until the first image comes in
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)
        self.history.reveal = lambda: self.pages.setCurrentIndex(1)
        self.status = ModelStatus(self.session, self.statusBar())
        self.model_label, self.progress = self.status.label, self.status.progress
        for widget in (view.marks_label, view.stats_label, self.progress, self.model_label):
            self.statusBar().addPermanentWidget(widget)
        self.resize(1100, 700)
        if self.persist:
            geometry.restore(self, self.store)

    def _connect(self) -> None:
        self.session.model_ready.connect(lambda description: self.log(f"ready: {description}"))
        self.session.model_failed.connect(
            lambda failure: self._say(word_load_failure(failure), retry=self.reload_model)
        )
        self.intake.view_ready.connect(self.view.show_view_image)
        self.docs.view_ready.connect(self.view.show_view_image)
        self.intake.refused.connect(lambda line: self.statusBar().showMessage(line, 8000))
        self.pane.formula_clicked.connect(self._copy_formula)
        self.follow_up.returnPressed.connect(self.ask_follow_up)
        self.view.ask_button.clicked.connect(self.ask_follow_up)
        self.snipping.ended.connect(self.snip_ended)
        self.done.ended.connect(self.answer_finished)
        self.docs.started.connect(self.history.sync.follow)  # a document: one history record
        self.docs.started.connect(lambda run: run.ended.connect(self.done.document_ended))

    # ----- the session, for tests and the composition root
    @property
    def tray(self) -> QSystemTrayIcon | None:
        return self._tray

    @tray.setter
    def tray(self, tray: QSystemTrayIcon | None) -> None:
        self._tray = tray
        self.notifier.set_tray(tray)  # its balloon is the notification where D-Bus has none

    @property
    def items(self) -> dict[int, Record]:
        return self.session.records

    @property
    def model_ready(self) -> bool:
        return self.session.ready

    @property
    def model_description(self) -> str:
        return self.session.description

    @property
    def snip_session(self) -> SnipSession | None:
        return self.snips.overlays

    def current_item(self) -> Record | None:
        return self.view.current()

    # ----- inputs (decoded off the GUI thread)
    def add_incoming(self, incoming: Iterable[Incoming], preset: Preset | None = None) -> list[int]:
        """Give each image a record at once (OPENING) and decode it on the intake's thread.

        The question is the toolbar's, or `preset`'s prompt (its name is the record's mode)."""
        mode, question, latex = (preset.name, preset.prompt, False) if preset else self._question()
        images, documents = self.docs.split(incoming)
        # Images first: their decoding is under way while a document's dialogs are open, and a
        # refused document is said in one line with the images refused.
        added = self.intake.add(images, mode, question, latex)
        added += self.docs.open_all(documents)
        if added:
            self.open_record(added[0], front=False)
        return added

    def add_paths(self, paths: Iterable[str | Path], kind: SourceKind = SourceKind.FILE) -> list[int]:
        return self.add_incoming(inputs.from_paths(paths, kind))

    def add_mime(self, mime: QMimeData, name: str) -> bool:
        return bool(self.add_incoming(inputs.from_mime(mime, name)))

    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in inputs.INPUT_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open images or documents", "", f"Images and PDFs ({patterns});;All (*)"
        )
        self.add_paths(paths)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.add_mime(mime, "pasted image"):
            self.statusBar().showMessage("The clipboard holds no image or image file", 5000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if inputs.may_hold_images(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.add_mime(event.mimeData(), "dropped image"):
            event.acceptProposedAction()
        else:
            self.statusBar().showMessage("Nothing to recognise in what was dropped", 5000)

    # ----- requests
    def use_custom_prompt(self, prompt: str) -> None:
        self.question.use_custom_prompt(prompt)

    def _question(self) -> tuple[str, str, bool]:
        return self.question.question(self.settings.preset_list(), self.settings.mode)

    def recognize_again(self) -> None:
        record = self.current_item()
        if record is None:
            return
        if record.is_document:  # a new record from the file, as Recognize again does for images
            if record.path and not record.document_running:
                self.add_paths([record.path], record.source)
            return
        mode, question, latex = self._question()
        self.session.recognize(record.record_id, question, mode=mode, latex_mode=latex)

    def ask_follow_up(self) -> None:
        record_id, question = self.history.current_id(), self.follow_up.text().strip()
        if record_id is None or not question:
            return
        if self.session.records[record_id].is_document:
            self.statusBar().showMessage("Follow-ups are about one image: snip the page to ask", 8000)
            return
        if not self.session.ask(record_id, question):
            self.statusBar().showMessage("Wait for the answer, or press Stop first", 5000)
            return
        self.follow_up.clear()

    def stop(self) -> None:
        """Stop the running recognition; queued ones are dropped, and so are a document's other pages."""
        self.docs.stop()
        self.session.stop()

    # ----- showing
    def _say(self, wording: Wording, retry: Callable[[], None] | None = None) -> None:
        self.error_box = alerts.say(self, wording, self.open_settings, retry) or self.error_box

    def open_record(self, record_id: object, front: bool = True) -> None:
        """Show the window on that record (a notification was clicked, or it was just added)."""
        if front:
            self.bring_to_front()
        if isinstance(record_id, int) and record_id in self.session.records:
            self.pages.setCurrentIndex(1)
            self.item_list.setCurrentIndex(self.records.index(self.records.row_of(record_id)))

    def next_mark(self) -> None:
        if not self.view.select_mark(forward=True):
            self.statusBar().showMessage("No uncertain spans", 3000)

    def previous_mark(self) -> None:
        if not self.view.select_mark(forward=False):
            self.statusBar().showMessage("No uncertain spans", 3000)

    def toggle_source(self) -> None:
        self.source_action.setChecked(self.view.toggle_source())

    # ----- copy
    def copy_as_format(self, fmt: str) -> None:
        line = copying.copy(self.current_item(), fmt, Delimiters(self.settings.delimiters))
        self.statusBar().showMessage(line, 3000)

    def _copy_formula(self, tex: str) -> None:
        copying.put_on_clipboard(tex)
        self.statusBar().showMessage("Copied the formula's LaTeX", 3000)

    def copy_markdown(self) -> None:
        self.copy_as_format(copying.MARKDOWN)

    def copy_plain_text(self) -> None:
        self.copy_as_format(copying.PLAIN)

    def save_as(self) -> None:
        """Save as… (Ctrl+S): the shown answer as .md, .txt, .html or .jsonl."""
        line = save_record_as(self, self.current_item())
        if line:
            self.statusBar().showMessage(line, 8000)

    # ----- settings and closing
    def open_settings(self) -> None:
        chosen = ask_settings(self.settings, self, self.hotkeys.apply if self.hotkeys is not None else None)
        if chosen is not None:
            self.apply_settings(chosen)

    def apply_settings(self, settings: Settings) -> None:
        store = self.store if self.persist else None
        old, self.settings = self.settings, settings
        reload = apply_settings(old, settings, self.history, self.session, self.notifier, store)
        self.view.refresh()  # the marks follow a new threshold
        self.question.fill(settings.preset_list(), self.mode_box.currentData() or settings.mode)
        if reload:
            self.reload_model()

    def reload_model(self) -> None:
        self.session.load(self.settings.engine_options(), self.settings.server_options())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings.keep_in_tray and self.tray is not None and not self._quitting:
            self.hide()  # the model stays loaded; the tray's Show brings the window back
            event.ignore()
            return
        self.shut_down()
        super().closeEvent(event)

    def quit(self) -> None:
        self._quitting = True
        self.close()
        QApplication.quit()

    def shut_down(self) -> None:
        """Cancel whatever runs, finish decoding and join the worker thread."""
        if self.persist:
            geometry.remember(self, self.store)
        self.intake.wait()
        self.docs.shut_down()
        self.session.shut_down()
        self.history.close()

    # ----- snipping
    def start_snip(self) -> None:
        self.snipping.start()

    def start_private_snip(self) -> None:
        """A snip whose answer is shown (marked private) but never written to the history."""
        self.snipping.start(private=True)

    def bring_to_front(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
