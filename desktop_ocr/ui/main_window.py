"""The main window: a thin view over the RecognitionSession (layout, actions, drops, showing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QMimeData, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)  # fmt: skip

from ..engine.backend import Answer
from ..engine.presets import Preset
from ..engine.prompts import Mode, prompt_for
from ..engine.stats import StopReason
from ..render.export import Delimiters
from ..render.math import default_math_renderer
from . import copying, inputs
from .failures import Failure, Wording, word_load_failure, word_run_failure
from .history_panel import HistoryPanel
from .hotkeys import HotkeyController
from .image_view import ImageView
from .inputs import Decoded, ImageLoader, Incoming, SourceKind
from .notifier import Notifier
from .records import Record, State, preview
from .result_pane import ResultPane
from .session import RecognitionSession
from .settings import Settings, save_settings
from .snip_flow import SnipFlow
from .snip_overlay import SnipSession
from .uncertain import SpanNavigator, mark_editor, record_marks, select_in_editor

MODE_LABELS = {
    Mode.TEXT.value: "Text", Mode.LATEX.value: "LaTeX", Mode.MARKDOWN.value: "Markdown",
    Mode.DESCRIBE.value: "Describe", "custom": "Custom prompt…",
}  # fmt: skip
PRESET_PREFIX = "preset:"  # the mode box's data for a user preset: PRESET_PREFIX + its name
WELCOME = """<h2>Nothing to read yet</h2><p>Give the window an image:</p><ul>
<li><b>Drop</b> image files or a picture here</li><li><b>Paste</b> an image or a path: {paste}</li>
<li><b>Open</b> image files: {open}</li><li><b>Snip</b> a region of the screen: {snip}</li></ul>
<p>The answer streams in on the right; copy it as text, Markdown, LaTeX or MathML.</p>"""


class MainWindow(QMainWindow):
    answer_finished = Signal(int)  # record id; for tests and auto-copy
    snip_ended = Signal(bool)  # True when a region was taken

    def __init__(self, settings: Settings, store: QSettings, *, persist: bool = True) -> None:
        super().__init__()
        self.settings, self.store, self.persist = settings, store, persist
        self.setWindowTitle("desktop-ocr")
        self.setAcceptDrops(True)
        self.error_box: QMessageBox | None = None
        self.notifier = Notifier(enabled=settings.notify)
        self.notifier.clicked.connect(self.open_record)
        self._tray: QSystemTrayIcon | None = None
        self.hotkeys: HotkeyController | None = None  # the composition root's (ui/app.py)
        self._quitting = self._restore_after_snip = False
        self._snips = 0
        self._private_snip = False
        self._pending: set[int] = set()  # records whose image is being decoded
        self._problems: list[str] = []  # refused inputs, said once the batch has been opened
        self._loader_line = ""  # the loader's last status line, cleared once the model is ready
        self.log: Callable[[str], None] = lambda _message: None  # --verbose prints these
        self.history = HistoryPanel(self)  # the left list is the history (history_panel.py)
        self.session = RecognitionSession(
            settings.engine_options(), settings.server_options(), keeper=self.history.keeper, parent=self
        )
        self.history.attach(self.session)
        self.records = self.history.model
        self.loader = ImageLoader(self)
        self.snips = SnipFlow(
            lambda: self.settings.capture_handler or None,
            self,
            presets=lambda: self.settings.preset_list(),
            mode_label=lambda: self.mode_box.currentText(),
        )
        self._build_ui()
        self._connect()
        self.session.load()

    # ----- construction
    def _build_ui(self) -> None:
        self.pane = ResultPane(default_math_renderer())
        self.pane.setAcceptDrops(False)
        self.pane.formula_clicked.connect(lambda tex: self._put(tex, "the formula's LaTeX"))
        self.source = QPlainTextEdit()
        self.source.setAcceptDrops(False)
        self.source.textChanged.connect(self._source_edited)
        self.result_stack = QStackedWidget()
        self.result_stack.addWidget(self.pane)
        self.result_stack.addWidget(self.source)
        self.image_view = ImageView()
        self.item_list = self.history.list_view
        self.item_list.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText("Ask a follow-up question about this image…")
        self.follow_up.returnPressed.connect(self.ask_follow_up)
        ask = QPushButton("Ask")
        ask.clicked.connect(self.ask_follow_up)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up)
        follow_row.addWidget(ask)
        left, right = QWidget(), QWidget()
        left_layout, right_layout = QVBoxLayout(left), QVBoxLayout(right)
        for layout in (left_layout, right_layout):
            layout.setContentsMargins(0, 0, 0, 0)
        left_split = QSplitter(Qt.Orientation.Vertical)
        left_split.addWidget(self.history.widget)
        left_split.addWidget(self.image_view)
        left_split.setSizes([300, 400])
        left_layout.addWidget(left_split, 1)
        right_layout.addWidget(self.result_stack, 1)
        right_layout.addLayout(follow_row)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([400, 600])
        self._build_actions()
        self.welcome = QLabel(self._welcome_text())
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)
        bar = self.statusBar()
        self.model_label, self.stats_label = QLabel("loading model…"), QLabel("")
        self.marks = SpanNavigator()
        self.marks_label = QLabel("")
        bar.addPermanentWidget(self.marks_label)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 0)
        for widget in (self.stats_label, self.progress, self.model_label):
            bar.addPermanentWidget(widget)
        self.resize(1100, 700)

    def _fill_mode_box(self, current: str) -> None:
        """The built-in modes, then the user's presets (so Recognize again can use one)."""
        self.mode_box.blockSignals(True)
        self.mode_box.clear()
        for value, label in MODE_LABELS.items():
            self.mode_box.addItem(label, value)
        presets = self.settings.preset_list()
        if presets:
            self.mode_box.insertSeparator(self.mode_box.count())
        for preset in presets:
            self.mode_box.addItem(preset.name, PRESET_PREFIX + preset.name)
        self.mode_box.setCurrentIndex(max(self.mode_box.findData(current), 0))
        self.mode_box.blockSignals(False)
        self.custom_prompt.setVisible(self.mode_box.currentData() == "custom")

    def _welcome_text(self) -> str:
        def keys(action: QAction) -> str:
            text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            return f"<code>{text}</code>" if text else "the toolbar"

        return WELCOME.format(
            paste=keys(self.paste_action), open=keys(self.open_action), snip=keys(self.snip_action)
        )

    def _action(self, text: str, slot: Callable[[], object], shortcut: object = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action("Open…", self.open_files, QKeySequence.StandardKey.Open)
        self.paste_action = self._action("Paste", self.paste, QKeySequence.StandardKey.Paste)
        self.again_action = self._action("Recognize again", self.recognize_again, "Ctrl+R")
        self.stop_action = self._action("Stop", self.stop, "Esc")
        self.copy_action = self._action("Copy", self.copy_markdown, "Ctrl+Shift+C")
        self.source_action = self._action("Edit source", self.toggle_source, "Ctrl+E")
        self.source_action.setCheckable(True)
        self.settings_action = self._action(
            "Settings…", self.open_settings, QKeySequence.StandardKey.Preferences
        )
        self.snip_action = self._action("Snip", self.start_snip, "Ctrl+Alt+S")
        self.next_mark_action = self._action("Next uncertain span", self.next_mark, "F8")
        self.previous_mark_action = self._action("Previous uncertain span", self.previous_mark, "Shift+F8")
        self.private_snip_action = self._action("Private snip", self.start_private_snip, "Ctrl+Alt+P")
        self.private_snip_action.setToolTip("Snip a region whose answer is never recorded in the history")
        self.show_action = self._action("Show", self.bring_to_front)
        self.quit_action = self._action("Quit", self.quit, QKeySequence.StandardKey.Quit)
        self.mode_box = QComboBox()
        self.custom_prompt = QLineEdit()
        self.custom_prompt.setPlaceholderText("Your question about the image")
        self.custom_prompt.setVisible(False)
        self._fill_mode_box(self.settings.mode)
        self.mode_box.currentIndexChanged.connect(
            lambda _i: self.custom_prompt.setVisible(self.mode_box.currentData() == "custom")
        )
        copy_button = QToolButton()
        copy_button.setDefaultAction(self.copy_action)
        copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(copy_button)
        self.copy_as: dict[str, QAction] = {}
        for label in copying.formats():
            self.copy_as[label] = menu.addAction(label)
            self.copy_as[label].triggered.connect(lambda _checked=False, fmt=label: self.copy_as_format(fmt))
        copy_button.setMenu(menu)
        toolbar = QToolBar("Main")
        toolbar.setMovable(False)
        for entry in (self.snip_action, self.private_snip_action, self.open_action, self.paste_action, None,
                      self.mode_box, self.custom_prompt, self.again_action, self.stop_action, None,
                      copy_button, self.source_action, None, self.settings_action):  # fmt: skip
            if entry is None:
                toolbar.addSeparator()
            elif isinstance(entry, QAction):
                toolbar.addAction(entry)
            else:
                toolbar.addWidget(entry)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        session = self.session
        session.model_loading.connect(self._on_loading)
        session.model_ready.connect(self._on_ready)
        session.model_failed.connect(self._on_load_failed)
        session.download_progress.connect(self._on_download)
        session.status.connect(self._on_status)
        session.record_changed.connect(self._on_record_changed)
        session.chunk.connect(self._on_chunk)
        session.finished.connect(self._on_finished)
        session.failed.connect(self._on_failed)
        self.loader.decoded.connect(self._on_decoded)
        self.loader.refused.connect(self._on_refused)
        self.snips.taken.connect(self._on_snip)
        self.snips.cancelled.connect(self._on_snip_cancelled)
        self.snips.failed.connect(self._on_snip_failed)

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

    # ----- the model
    def reload_model(self) -> None:
        self.session.load(self.settings.engine_options(), self.settings.server_options())

    def _on_loading(self) -> None:
        self.model_label.setText("loading model…")
        self.progress.setRange(0, 0)
        self.progress.show()

    def _on_status(self, message: str) -> None:
        """Loader lines (loading, converting, warming up) stay until the model is ready."""
        if self.model_ready:
            self.statusBar().showMessage(message, 5000)
            return
        self._loader_line = message
        self.statusBar().showMessage(message)
        self.model_label.setText(message)  # permanent: a passing message cannot hide the progress
        self.progress.setToolTip(message)

    def _clear_loader_line(self) -> None:
        if self._loader_line and self.statusBar().currentMessage() == self._loader_line:
            self.statusBar().clearMessage()
        self._loader_line = ""

    def _on_download(self, done: int, total: int) -> None:
        self.progress.show()
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self.progress.setFormat(f"downloading {done / 1e9:.2f} / {total / 1e9:.2f} GB")
        if total and done >= total:
            self.progress.setRange(0, 0)

    def _on_ready(self, description: str) -> None:
        self.log(f"ready: {description}")
        self.model_label.setText(description)
        self.progress.hide()
        self._clear_loader_line()

    def _on_load_failed(self, failure: Failure) -> None:
        self.model_label.setText("no model")
        self.progress.hide()
        self._clear_loader_line()
        self._say(word_load_failure(failure))

    # ----- inputs (decoded off the GUI thread)
    def add_incoming(self, incoming: Iterable[Incoming], preset: Preset | None = None) -> list[int]:
        """Give each image a record at once (OPENING) and decode it on the loader's thread.

        The question is the toolbar's, or `preset`'s prompt (its name is the record's mode)."""
        mode, question, latex = (preset.name, preset.prompt, False) if preset else self._question()
        added = []
        for entry in incoming:
            record_id = self.session.reserve(
                entry.name, entry.kind, mode, question, latex_mode=latex, path=entry.path
            )
            self._pending.add(record_id)
            self.loader.open(record_id, entry.source)
            added.append(record_id)
        if added:
            self.pages.setCurrentIndex(1)
            self.item_list.setCurrentIndex(self.records.index(self.records.row_of(added[0])))
        return added

    def add_paths(self, paths: Iterable[str | Path], kind: SourceKind = SourceKind.FILE) -> list[int]:
        return self.add_incoming(inputs.from_paths(paths, kind))

    def add_mime(self, mime: QMimeData, name: str) -> bool:
        return bool(self.add_incoming(inputs.from_mime(mime, name)))

    def _on_decoded(self, record_id: int, decoded: Decoded) -> None:
        self._pending.discard(record_id)
        if record_id in self.session.records:
            self.session.attach(record_id, decoded.image, decoded.thumbnail)
            if self._current_id() == record_id:
                self.image_view.set_image(decoded.view)
        self._say_problems()

    def _on_refused(self, record_id: int, message: str) -> None:
        self._pending.discard(record_id)
        self._problems.append(message)
        self.session.discard(record_id)
        self._say_problems()

    def _say_problems(self) -> None:
        if self._pending or not self._problems:
            return
        more = f" (and {len(self._problems) - 1} more)" if len(self._problems) > 1 else ""
        self.statusBar().showMessage(f"Not added: {self._problems[0]}{more}", 8000)
        self._problems = []

    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in inputs.IMAGE_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open images", "", f"Images ({patterns});;All files (*)"
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
        self.mode_box.setCurrentIndex(self.mode_box.findData("custom"))
        self.custom_prompt.setText(prompt)

    def _question(self) -> tuple[str, str, bool]:
        """(mode, question, latex mode) from the toolbar."""
        mode = self.mode_box.currentData()
        if mode == "custom":
            return mode, self.custom_prompt.text().strip() or prompt_for(Mode.DESCRIBE), False
        if mode.startswith(PRESET_PREFIX):
            name = mode.removeprefix(PRESET_PREFIX)
            for preset in self.settings.preset_list():
                if preset.name == name:
                    return preset.name, preset.prompt, False
            mode = self.settings.mode  # the preset was renamed or removed since
        return mode, prompt_for(mode), mode == Mode.LATEX.value

    def recognize_again(self) -> None:
        record_id = self._current_id()
        if record_id is not None:
            mode, question, latex = self._question()
            self.session.recognize(record_id, question, mode=mode, latex_mode=latex)

    def ask_follow_up(self) -> None:
        record_id = self._current_id()
        question = self.follow_up.text().strip()
        if record_id is None or not question:
            return
        if not self.session.ask(record_id, question):
            self.statusBar().showMessage("Wait for the answer, or press Stop first", 5000)
            return
        self.follow_up.clear()

    def stop(self) -> None:
        """Stop the running recognition; queued ones are dropped."""
        self.session.stop()

    # ----- session results
    def _on_record_changed(self, record_id: int) -> None:
        if self._current_id() == record_id:
            self._show_record(self.session.records[record_id])

    def _on_chunk(self, record_id: int, _text: str) -> None:
        if self._current_id() == record_id:
            record = self.session.records[record_id]
            self.pane.show_text(record.transcript(), streaming=True, latex_mode=record.bare_latex)

    def _on_finished(self, record_id: int, answer: Answer) -> None:
        record = self.session.records[record_id]
        self.stats_label.setText(_stats_text(answer))
        self.log(f"{record.name}: {answer.stats.summary()}")
        if answer.stats.stop_reason is StopReason.REPETITION:
            self.statusBar().showMessage("Stopped: the model was repeating itself", 8000)
        copied = False
        if record.state is State.DONE and self.settings.auto_copy and self._current_id() == record_id:
            self.copy_markdown()
            copied = True
        if record.state is State.DONE:
            told = self.notifier.answer_finished(
                record_id, record.transcript(), copied, self.isVisible(), self.isActiveWindow()
            )
            if not told and not self.isVisible():
                self.open_record(record_id)  # hidden, and no notification could say so
        self.answer_finished.emit(record_id)

    def _on_failed(self, record_id: int, failure: Failure) -> None:
        if not self.isVisible():
            self.open_record(record_id)  # a snip from the tray failed: show why
        self._say(word_run_failure(failure))
        self.answer_finished.emit(record_id)

    def _say(self, wording: Wording) -> None:
        if wording.quiet:
            self.statusBar().showMessage(wording.message, 8000)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, wording.title, wording.message, QMessageBox.StandardButton.Close, self
        )
        box.setInformativeText(wording.hint)
        if wording.offer_settings:
            box.addButton("Settings…", QMessageBox.ButtonRole.ActionRole).clicked.connect(self.open_settings)
        self.error_box = box
        box.open()

    # ----- showing
    def _current_id(self) -> int | None:
        return self.history.current_id()

    def open_record(self, record_id: object) -> None:
        """Show the window on that record (a notification was clicked)."""
        self.bring_to_front()
        if isinstance(record_id, int) and record_id in self.session.records:
            self.pages.setCurrentIndex(1)
            self.item_list.setCurrentIndex(self.records.index(self.records.row_of(record_id)))

    def current_item(self) -> Record | None:
        record_id = self._current_id()
        return self.session.records.get(record_id) if record_id is not None else None

    def _show_current(self) -> None:
        record_id = self.history.open_current()  # an older record is read back into the session
        if record_id is None:
            return
        image = self.history.image_in_memory(record_id)
        self.image_view.set_image(preview(image) if image is not None else None)
        if image is None:
            self.history.load_view(record_id)  # from disk, decoded off the GUI thread
        self._show_record(self.session.records[record_id])

    def _show_record(self, record: Record) -> None:
        text = record.transcript()
        if record.state is State.FAILED and not text:
            text = f"*{record.error}*"
        streaming = record.state is State.RUNNING
        # Marks once an answer is whole (never while it streams), dropped once the user edits.
        marks = [] if streaming else record_marks(record, self.settings.uncertain_below)
        self.pane.show_text(text, streaming=streaming, latex_mode=record.bare_latex, marks=marks)
        if self.source.toPlainText() != text:
            self.source.blockSignals(True)
            self.source.setPlainText(text)
            self.source.blockSignals(False)
        if marks != self.marks.spans:
            self.marks.set_spans(marks)
            mark_editor(self.source, marks)
            self.marks_label.setText(self.marks.summary())
        if record.stats is not None:
            self.stats_label.setText(_stats_text(Answer(text, record.stats)))

    def next_mark(self) -> None:
        self._select_mark(self.marks.next())

    def previous_mark(self) -> None:
        self._select_mark(self.marks.previous())

    def _select_mark(self, index: int | None) -> None:
        """Select uncertain span `index` where the text is shown: the pane or the source editor."""
        if index is None:
            self.statusBar().showMessage("No uncertain spans", 3000)
        elif self.result_stack.currentWidget() is self.source:
            select_in_editor(self.source, self.marks.spans[index])
        else:
            self.pane.select_mark(index)

    def toggle_source(self) -> None:
        editing = self.result_stack.currentWidget() is self.pane
        self.result_stack.setCurrentWidget(self.source if editing else self.pane)
        self.source_action.setChecked(editing)

    def _source_edited(self) -> None:
        record = self.current_item()
        if record is not None and record.state is not State.RUNNING:
            self.session.edit(record.record_id, self.source.toPlainText())

    # ----- copy
    def copy_as_format(self, fmt: str) -> None:
        record = self.current_item()
        if record is None or not record.transcript():
            self.statusBar().showMessage("Nothing to copy yet", 3000)
            return
        text, what = copying.render(record, fmt, Delimiters(self.settings.delimiters))
        self._put(text, what)

    def _put(self, text: str, what: str) -> None:
        copying.put_on_clipboard(text)
        self.statusBar().showMessage(f"Copied {what}", 3000)

    def copy_markdown(self) -> None:
        self.copy_as_format(copying.MARKDOWN)

    def copy_plain_text(self) -> None:
        self.copy_as_format(copying.PLAIN)

    def copy_latex(self, delimiters: Delimiters | None = None) -> None:
        self.copy_as_format(f"LaTeX {delimiters.value}" if delimiters else "LaTeX")

    def copy_mathml(self) -> None:
        self.copy_as_format(copying.MATHML)

    # ----- settings and closing
    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        apply_hotkey = self.hotkeys.apply if self.hotkeys is not None else None
        dialog = SettingsDialog(self.settings, self, apply_hotkey=apply_hotkey)
        if dialog.exec():
            self.apply_settings(dialog.result_settings())

    def apply_settings(self, settings: Settings) -> None:
        def backend_of(s: Settings) -> tuple[object, ...]:
            engine = s.engine_options()
            return (
                engine.model,
                s.device,
                s.dtype,
                engine.backend,
                engine.weights,
                engine.compile_decode,
                s.server_options(),
            )

        reload = backend_of(settings) != backend_of(self.settings)
        self.history.apply_settings(self.settings, settings)
        self.settings = settings
        self.session.options = settings.engine_options()
        self.notifier.enabled = settings.notify
        record = self.current_item()
        if record is not None:
            self._show_record(record)  # the marks follow a new threshold
        self._fill_mode_box(self.mode_box.currentData() or settings.mode)
        if self.persist:
            save_settings(self.store, settings)
        if reload:
            self.reload_model()

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
        self.loader.wait()
        self.session.shut_down()
        self.history.close()

    # ----- snipping and hand-offs
    def start_snip(self) -> None:
        """Hide the window, grab every screen, and show the freeze-frame overlays."""
        if self.snips.active:
            return
        self._restore_after_snip = self.isVisible()
        self.hide()
        self.snips.start()

    def _on_snip(self, image: QImage, preset: Preset | None = None) -> None:
        self.log(f"snip: {image.width()}×{image.height()} px" + (f", preset {preset.name}" if preset else ""))
        # Snipped from the tray (the hotkey with the window hidden): stay there, the notification
        # says when the text is ready. Without a tray or notifications, show the window.
        if self._restore_after_snip or self.tray is None or not self.notifier.enabled:
            self.bring_to_front()
        self._snips += 1
        private, self._private_snip = self._private_snip, False
        name = f"private snip {self._snips}" if private else f"snip {self._snips}"
        added = self.add_incoming([Incoming(name, SourceKind.SNIP, image)], preset)
        if private:
            self.history.sync.private.update(added)
        self.snip_ended.emit(True)

    def start_private_snip(self) -> None:
        """A snip whose answer is shown (marked private) but never written to the history."""
        self._private_snip = True
        self.start_snip()

    def _on_snip_cancelled(self) -> None:
        self._private_snip = False
        self.log("snip: cancelled")
        if self._restore_after_snip:
            self.bring_to_front()
        self.snip_ended.emit(False)

    def _on_snip_failed(self, message: str) -> None:
        self._private_snip = False
        self.bring_to_front()
        self._say(
            Wording("Cannot capture the screen", message, "Open an image file or paste one instead.", False)
        )
        self.snip_ended.emit(False)

    def bring_to_front(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def handle_request(self, request: dict) -> None:
        """A request from a second `desktop-ocr` process (single instance)."""
        self.log(f"request: {request}")
        images = [str(p) for p in request.get("images", []) if isinstance(p, str)]
        if images:
            self.bring_to_front()
            self.add_paths(images, SourceKind.HANDOFF)
        if request.get("snip"):
            self.start_snip()
        elif request.get("quit"):
            self.quit()
        elif not images:
            self.bring_to_front()


def _stats_text(answer: Answer) -> str:
    stats = answer.stats
    parts = [f"{stats.visual_tokens} visual tokens"]
    if stats.time_to_first_token is not None:
        parts.append(f"first token {stats.time_to_first_token:.1f} s")
    if stats.tokens_per_second:
        parts.append(f"{stats.tokens_per_second:.1f} tok/s")
    return " · ".join(parts)
