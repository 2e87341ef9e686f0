"""The main window, a view: it lays out the history list, the image and the answer, emits the
user's intents (the App in ui/application.py answers them) and renders what the session holds."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from ...core import incoming as inputs
from ...core.failures import Wording
from ...core.incoming import Incoming, SourceKind
from ...core.records import Record
from ...core.session import RecognitionSession
from ...core.settings_store import Settings
from ...engine.families import ModelProfile
from ...render.export import Delimiters
from ...render.linebreaks import LineBreaks
from ..documents.dialogs import save_record_as
from ..history.panel import HistoryPanel
from . import actions as window_actions
from . import alerts, copying, geometry
from .action_states import ActionStates
from .model_status import ModelStatus
from .profile_limits import limit_follow_up, limit_mode_box
from .question_box import QuestionBox
from .record_view import RecordView
from .status_bar import StatusRoom


class MainWindow(QMainWindow):
    """Intents: what the user asked for; the App connects each to its verb."""

    incoming_given = Signal(list, object)  # list[Incoming] from Open…, Paste or a drop; a Preset or None
    snip_requested = Signal(bool)  # private
    again_requested = Signal()
    stop_requested = Signal()
    ask_requested = Signal(str)  # a follow-up question
    settings_requested = Signal()
    quit_requested = Signal()
    close_requested = Signal()  # the window's close button (to the tray, or quit)
    # Made from actions.ACTIONS (each as `<name>_action`); the launcher adds some to the tray.
    snip_action: QAction
    private_snip_action: QAction
    show_action: QAction
    quit_action: QAction
    again_action: QAction
    source_action: QAction
    save_action: QAction

    def __init__(self, settings: Settings, store: QSettings | None = None) -> None:
        """`store`: where the window's size and place are remembered (None: not remembered)."""
        super().__init__()
        self.settings, self.store = settings, store
        self.setWindowTitle("desktop-ocr")
        self.setAcceptDrops(True)
        self.error_box: QMessageBox | None = None
        self.tray_available = False  # set by the launcher once the tray icon exists
        self._quitting = False
        self.history = HistoryPanel(self)  # the left list is the history (ui/history/panel.py)
        self.question = QuestionBox(settings.preset_list(), settings.mode)
        self._profile: ModelProfile | None = None
        self.hotkey_note: QLabel | None = None  # made when the global hotkey is first said off

    def attach(self, session: RecognitionSession) -> None:
        """Build the panes over `session` (after the history panel is attached to it)."""
        self.session = session
        self.view = RecordView(session, self.history, lambda: self.settings.uncertain_below)
        self._build_ui()
        self.view.ask_button.clicked.connect(self._ask)
        self.view.follow_up.returnPressed.connect(self._ask)
        self.view.pane.formula_clicked.connect(self._copy_formula)
        self.view.codes.said = lambda line: self.show_status(line, 3000)

    def _build_ui(self) -> None:
        view = self.view
        images = QSplitter(Qt.Orientation.Vertical)
        images.addWidget(self.history.widget)
        images.addWidget(view.image_side)  # the image, and a document's page bar
        images.setSizes([300, 400])
        splitter = QSplitter()
        splitter.addWidget(images)
        splitter.addWidget(view.answer_side)
        splitter.setSizes([400, 600])
        actions = window_actions.build_actions(self)
        button, self.copy_as = window_actions.copy_button(actions["copy"], self.copy_as_format)
        self.lines_box = window_actions.lines_box(self.settings.line_breaks, self.set_line_breaks)
        self.view.lines = LineBreaks(self.lines_box.currentData())
        widgets: dict[str, QWidget | list[QWidget]] = {
            "question": self.question.mode_box,
            "copy_button": button,
            "lines": self.lines_box,
        }
        toolbar = window_actions.build_toolbar(actions, widgets)
        self.addToolBar(toolbar)
        self.addToolBarBreak()
        self.addToolBar(self.question.prompt_bar)
        self.action_states = ActionStates(self.session, self.current_record, actions)
        self.history.list_view.selectionModel().currentChanged.connect(
            lambda *_: self.action_states.changed()
        )
        welcome_page, self.welcome = window_actions.welcome_page(actions)
        self._show_model_state(actions)
        for signal in (self.session.model_loading, self.session.model_ready, self.session.model_failed):
            signal.connect(lambda *_: self._show_model_state(actions))
        self.pages = QStackedWidget()  # the welcome until the first image comes in
        self.pages.addWidget(welcome_page)
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)
        self.history.reveal = lambda: self.pages.setCurrentIndex(1)
        self.status = ModelStatus(self.session, self.statusBar())
        for widget in (view.marks_label, view.stats_label, self.status.progress, self.status.label):
            self.statusBar().addPermanentWidget(widget)
        # A document's progress is read whole: the model's name gives way first, then the stats.
        giving_way = [self.status.label, view.stats_label, view.marks_label]
        self.status_room = StatusRoom(self.statusBar(), giving_way)
        self.resize(1100, 700)
        if self.store is not None:
            geometry.restore(self, self.store)

    def _show_model_state(self, actions: dict[str, QAction]) -> None:
        """The welcome page says when no model can answer yet (the status bar's corner is easy to miss)."""
        if self.session.ready:
            note = ""
        elif self.session.load_failure is not None:
            keys = actions["settings"].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            note = f"No model is loaded: choose one in Settings ({keys}). Images given now wait for it."
        else:
            note = "Loading the model… Images given now are read once it is ready."
        self.welcome.setText(window_actions.welcome_text(actions, note))

    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in inputs.INPUT_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open images or documents", "", f"Images and PDFs ({patterns});;All (*)"
        )
        if paths:
            self.incoming_given.emit(inputs.from_paths(paths, SourceKind.FILE), None)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self._give(mime, "pasted image"):
            self.show_status("The clipboard holds no image or image file", 5000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if inputs.may_hold_images(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self._give(event.mimeData(), "dropped image"):
            event.acceptProposedAction()
        else:
            self.show_status("Nothing to recognise in what was dropped", 5000)

    def _give(self, mime: QMimeData, name: str) -> bool:
        incoming: list[Incoming] = inputs.from_mime(mime, name)
        if incoming:
            self.incoming_given.emit(incoming, None)
        return bool(incoming)

    def start_snip(self) -> None:
        self.snip_requested.emit(False)

    def start_private_snip(self) -> None:
        self.snip_requested.emit(True)

    def recognize_again(self) -> None:
        self.again_requested.emit()

    def stop(self) -> None:
        self.stop_requested.emit()

    def _ask(self) -> None:
        question = self.view.follow_up.text().strip()
        if question:
            self.ask_requested.emit(question)

    def open_settings(self) -> None:
        self.settings_requested.emit()

    def quit(self) -> None:
        self.quit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings.keep_in_tray and self.tray_available and not self._quitting:
            self.hide()  # the model stays loaded; the tray's Show brings the window back
            event.ignore()
            return
        if self.store is not None:
            geometry.remember(self, self.store)
        self.close_requested.emit()
        super().closeEvent(event)

    def close_for_good(self) -> None:
        """Close even when the window would go to the tray (Quit)."""
        self._quitting = True
        self.close()

    # ----- what the question box asks
    def use_custom_prompt(self, prompt: str) -> None:
        self.question.use_custom_prompt(prompt)

    def question_asked(self) -> tuple[str, str, bool]:
        """The toolbar's mode (or preset, or custom prompt): mode, question, LaTeX mode."""
        return self.question.question(self.settings.preset_list(), self.settings.mode)

    def limit_to_profile(self, profile: ModelProfile | None) -> None:
        """The loaded model family's limits: its modes only, follow-ups only where it takes them."""
        self._profile = self.view.profile = profile
        limit_mode_box(self.question.mode_box, profile)
        shown = self.view.current()
        limit_follow_up(
            self.view.follow_up,
            self.view.ask_button,
            profile,
            document=shown is not None and shown.is_document,
        )

    def settings_changed(self, settings: Settings) -> None:
        old, self.settings = self.settings, settings
        if settings.line_breaks != old.line_breaks:  # a new default is also the current choice
            self.lines_box.setCurrentIndex(max(self.lines_box.findData(settings.line_breaks), 0))
        self.view.refresh()  # the marks follow a new threshold
        self.question.fill(settings.preset_list(), self.question.mode_box.currentData() or settings.mode)
        limit_mode_box(self.question.mode_box, self._profile)

    # ----- showing
    def show_status(self, line: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(line, timeout_ms)

    def show_hotkey_off(self, key: str, reason: str) -> None:
        """A lasting status-bar note while the global hotkey `key` is off for `reason` ("" hides it).

        Permanent, so the loader's and the answers' passing lines do not cover it; its link
        opens Settings, where the key is changed.
        """
        if self.hotkey_note is None:
            self.hotkey_note = QLabel()
            self.hotkey_note.linkActivated.connect(lambda _link: self.settings_requested.emit())
            self.statusBar().insertPermanentWidget(0, self.hotkey_note)
        note = self.hotkey_note
        note.setText(f'⚠ <a href="settings">Global hotkey {html.escape(key)} off</a>')
        note.setToolTip(f"{reason}\nClick to choose another key in Settings.")
        note.setAccessibleDescription(reason)
        note.setVisible(bool(key))

    def say(self, wording: Wording, retry: Callable[[], None] | None = None) -> None:
        """A failure's wording: a status line when quiet, else a box (its Settings… asks for
        them; `retry`, when given, is a Retry button)."""
        self.error_box = alerts.say(self, wording, self.settings_requested.emit, retry) or self.error_box

    def show_record(self, record_id: int) -> None:
        self.pages.setCurrentIndex(1)
        model = self.history.model
        self.history.list_view.setCurrentIndex(model.index(model.row_of(record_id)))

    def current_record(self) -> Record | None:
        return self.view.current()

    def next_mark(self) -> None:
        if not self.view.select_mark(forward=True):
            self.show_status("No uncertain spans", 3000)

    def previous_mark(self) -> None:
        if not self.view.select_mark(forward=False):
            self.show_status("No uncertain spans", 3000)

    def toggle_source(self) -> None:
        self.source_action.setChecked(self.view.toggle_source())

    def bring_to_front(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    # ----- copy and save (the shown record's text)
    def copy_as_format(self, fmt: str) -> None:
        pane = self.view.pane
        table = copying.drawn_table_index(pane.document(), pane.textCursor().selectionStart())
        line = copying.copy(
            self.current_record(), fmt, Delimiters(self.settings.delimiters), self.view.lines, table
        )
        self.show_status(line, 3000)

    def copy_table(self) -> None:
        self.copy_as_format(copying.TABLE)

    def set_line_breaks(self, lines: LineBreaks) -> None:
        """Show the answer (and copy it) with these line breaks; the record keeps what the model wrote."""
        self.view.lines = lines
        self.view.refresh()

    def _copy_formula(self, tex: str) -> None:
        copying.put_on_clipboard(tex)
        self.show_status("Copied the formula's LaTeX", 3000)

    def copy_markdown(self) -> None:
        """The Copy button and Ctrl+Shift+C: the answer in the button's format (Markdown)."""
        self.copy_as_format(copying.BUTTON_FORMAT)

    def copy_plain_text(self) -> None:
        self.copy_as_format(copying.PLAIN)

    def save_as(self) -> None:
        """Save as… (Ctrl+S): the shown answer as .md, .txt, .html or .jsonl."""
        line = save_record_as(self, self.current_record())
        if line:
            self.show_status(line)
