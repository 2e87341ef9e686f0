"""The main window: inputs (drop, paste, open), the image, the live result pane, copy and follow-ups."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, QSettings, Qt, QThread, QTimer, QUrl, Signal
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
    QListWidget,
    QListWidgetItem,
    QMainWindow,
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
)

from ..capture import CaptureError, grab_screens
from ..engine.backend import Answer
from ..engine.conversation import Conversation
from ..engine.errors import ImageError
from ..engine.images import ImageSource, load_image
from ..engine.prompts import Mode, prompt_for
from ..engine.stats import StopReason
from ..render import export
from ..render.export import Delimiters
from ..render.math import default_math_renderer
from .items import Item, State
from .result_pane import ResultPane
from .settings import Settings, save_settings
from .snip_overlay import SnipSession
from .worker import EngineWorker, Failure, Job

SNIP_GRAB_DELAY_MS = 250
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")
IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif", "image/tiff")
MODE_LABELS = {
    Mode.TEXT.value: "Text",
    Mode.LATEX.value: "LaTeX",
    Mode.MARKDOWN.value: "Markdown",
    Mode.DESCRIBE.value: "Describe",
    "custom": "Custom prompt…",
}


def pil_to_qimage(image: Image.Image) -> QImage:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return QImage.fromData(buffer.getvalue())


class MainWindow(QMainWindow):
    load_requested = Signal(object, object)  # EngineOptions, ServerOptions | None, to the worker
    run_requested = Signal(object)  # Job, to the worker
    answer_finished = Signal(int)  # item id; for tests and auto-copy
    snip_ended = Signal(bool)  # True when a region was taken

    def __init__(self, settings: Settings, store: QSettings, *, persist: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.persist = persist
        self.setWindowTitle("desktop-ocr")
        self.setAcceptDrops(True)
        self.items: dict[int, Item] = {}
        self.queue: deque[tuple[int, int]] = deque()  # (request id, item id) waiting
        self.running: tuple[int, int] | None = None
        self.model_ready = False
        self.model_description = ""
        self._next_id = 0
        self.error_box: QMessageBox | None = None
        self.snip_session: SnipSession | None = None
        self.tray: QSystemTrayIcon | None = None
        self._quitting = False
        self._snips = 0
        self.log: Callable[[str], None] = lambda _message: None  # --verbose prints these
        self._build_ui()
        self._start_worker()

    # ----- construction
    def _build_ui(self) -> None:
        self.math = default_math_renderer()
        self.pane = ResultPane(self.math)
        self.pane.setAcceptDrops(False)
        self.pane.formula_clicked.connect(self._copy_formula)
        self.source = QPlainTextEdit()
        self.source.setAcceptDrops(False)
        self.source.textChanged.connect(self._source_edited)
        self.result_stack = QStackedWidget()
        self.result_stack.addWidget(self.pane)
        self.result_stack.addWidget(self.source)

        from .image_view import ImageView

        self.image_view = ImageView()
        self.item_list = QListWidget()
        self.item_list.setMaximumHeight(140)
        self.item_list.currentRowChanged.connect(self._show_current)

        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText("Ask a follow-up question about this image…")
        self.follow_up.returnPressed.connect(self.ask_follow_up)
        ask = QPushButton("Ask")
        ask.clicked.connect(self.ask_follow_up)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up)
        follow_row.addWidget(ask)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.item_list)
        left_layout.addWidget(self.image_view, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.result_stack, 1)
        right_layout.addLayout(follow_row)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([400, 600])
        self.setCentralWidget(splitter)

        self._build_actions()
        self._build_status_bar()
        self.resize(1100, 700)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
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
        self.show_action = self._action("Show", self.bring_to_front)
        self.quit_action = self._action("Quit", self.quit, QKeySequence.StandardKey.Quit)

        self.mode_box = QComboBox()
        for value, label in MODE_LABELS.items():
            self.mode_box.addItem(label, value)
        self.mode_box.setCurrentIndex(max(self.mode_box.findData(self.settings.mode), 0))
        self.custom_prompt = QLineEdit()
        self.custom_prompt.setPlaceholderText("Your question about the image")
        self.custom_prompt.setVisible(False)
        self.mode_box.currentIndexChanged.connect(
            lambda _i: self.custom_prompt.setVisible(self.mode_box.currentData() == "custom")
        )

        copy_button = QToolButton()
        copy_button.setDefaultAction(self.copy_action)
        copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        from PySide6.QtWidgets import QMenu

        menu = QMenu(copy_button)
        self.copy_as: dict[str, QAction] = {}
        entries: list[tuple[str, Callable[[], None]]] = [
            ("Plain text", self.copy_plain_text),
            ("Markdown", self.copy_markdown),
        ]
        entries += [(f"LaTeX {d.value}", partial(self.copy_latex, d)) for d in Delimiters]
        entries.append(("MathML (for Word)", self.copy_mathml))
        for label, slot in entries:
            action = menu.addAction(label)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.copy_as[label] = action
        copy_button.setMenu(menu)

        toolbar = QToolBar("Main")
        toolbar.setMovable(False)
        toolbar.addAction(self.snip_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.paste_action)
        toolbar.addSeparator()
        toolbar.addWidget(self.mode_box)
        toolbar.addWidget(self.custom_prompt)
        toolbar.addAction(self.again_action)
        toolbar.addAction(self.stop_action)
        toolbar.addSeparator()
        toolbar.addWidget(copy_button)
        toolbar.addAction(self.source_action)
        toolbar.addSeparator()
        toolbar.addAction(self.settings_action)
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel("loading model…")
        self.stats_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 0)
        bar.addPermanentWidget(self.stats_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.model_label)

    # ----- the worker
    def _start_worker(self) -> None:
        self.thread_ = QThread(self)
        self.thread_.setObjectName("engine")
        self.worker = EngineWorker()
        self.worker.moveToThread(self.thread_)
        self.load_requested.connect(self.worker.load)
        self.run_requested.connect(self.worker.run)
        signals = self.worker.signals
        signals.download_progress.connect(self._on_download)
        signals.status.connect(self._on_status)
        signals.ready.connect(self._on_ready)
        signals.load_failed.connect(self._on_load_failed)
        signals.chunk.connect(self._on_chunk)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        self.thread_.start()
        self.reload_model()

    def reload_model(self) -> None:
        self.model_ready = False
        self.model_label.setText("loading model…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.load_requested.emit(self.settings.engine_options(), self.settings.server_options())

    def _on_download(self, done: int, total: int) -> None:
        self.progress.show()
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self.progress.setFormat(f"downloading {done / 1e9:.2f} / {total / 1e9:.2f} GB")
        if total and done >= total:
            self.progress.setRange(0, 0)

    def _on_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 5000)

    def _on_ready(self, description: str) -> None:
        self.log(f"ready: {description}")
        self.model_ready = True
        self.model_description = description
        self.model_label.setText(description)
        self.progress.hide()
        self._start_next()

    def _on_load_failed(self, failure: Failure) -> None:
        self.model_label.setText("no model")
        self.progress.hide()
        for _request_id, item_id in list(self.queue):
            self._fail_item(item_id, failure.message)
        self.queue.clear()
        if failure.kind == "ModelNotFoundError":
            hint = (
                "Choose a downloaded model folder in Settings, or connect to the internet once so "
                "that the model can be downloaded."
            )
        elif failure.kind == "OutOfMemoryError":
            hint = "Try the CPU, or a smaller dtype, in Settings."
        else:
            hint = "Check the model folder in Settings; --model takes a hub id or a folder."
        self._error_dialog("The model could not be loaded", failure.message, hint)

    # ----- inputs
    def add_sources(self, sources: Iterable[tuple[str, ImageSource]]) -> list[int]:
        """Load each image and queue it; what is not an image is named in the status bar."""
        added, problems = [], []
        for name, source in sources:
            try:
                image = load_image(source)
            except ImageError as error:
                problems.append(str(error))
                continue
            added.append(self._add_item(name, image))
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.statusBar().showMessage(f"Not added: {problems[0]}{more}", 8000)
        if added:
            self.item_list.setCurrentRow(self._row_of(added[0]))
        return added

    def _add_item(self, name: str, image: Image.Image) -> int:
        self._next_id += 1
        item = Item(item_id=self._next_id, name=name, image=image)
        self.items[item.item_id] = item
        entry = QListWidgetItem(f"{name} — queued")
        entry.setData(Qt.ItemDataRole.UserRole, item.item_id)
        self.item_list.addItem(entry)
        self._request(item, self._question(), new_conversation=True)
        return item.item_id

    def add_paths(self, paths: Iterable[str | Path]) -> list[int]:
        return self.add_sources((Path(p).name, str(p)) for p in paths)

    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open images", "", f"Images ({patterns});;All files (*)"
        )
        if paths:
            self.add_paths(paths)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.add_mime(mime, "pasted image"):
            self.statusBar().showMessage("The clipboard holds no image or image file", 5000)

    def add_mime(self, mime: QMimeData, name: str) -> bool:
        """Images from a drop or the clipboard: files, raw image bytes, or file paths as text."""
        paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        if not paths and mime.hasText():
            candidates = [_path_from_text(line) for line in mime.text().splitlines() if line.strip()]
            paths = [p for p in candidates if p]
        if paths:
            self.add_paths(paths)
            return True
        for fmt in IMAGE_MIME_TYPES:
            if fmt in mime.formats():
                data = bytes(mime.data(fmt).data())
                if data:
                    self.add_sources([(name, data)])
                    return True
        if mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.add_sources([(name, _qimage_png(image))])
                return True
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage() or any(f in mime.formats() for f in IMAGE_MIME_TYPES):
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

    def _question(self) -> str:
        mode = self.mode_box.currentData()
        if mode == "custom":
            return self.custom_prompt.text().strip() or prompt_for(Mode.DESCRIBE)
        return prompt_for(mode)

    def _request(self, item: Item, question: str, *, new_conversation: bool, urgent: bool = False) -> None:
        if new_conversation or item.conversation is None:
            item.conversation = Conversation.start(item.image, question)
            item.latex_mode = self.mode_box.currentData() == Mode.LATEX.value
        else:
            item.conversation.ask(question)
        item.edited = None
        item.partial = ""
        item.error = ""
        self._next_id += 1
        request = (self._next_id, item.item_id)
        self._set_state(item, State.QUEUED)
        if urgent:
            if self.running is not None:
                self.worker.cancel(self.running[0])
            self.queue.appendleft(request)
        else:
            self.queue.append(request)
        self._start_next()
        if self.current_item() is item:
            self._show_item(item)

    def _start_next(self) -> None:
        if self.running is not None or not self.model_ready or not self.queue:
            return
        request_id, item_id = self.queue.popleft()
        item = self.items[item_id]
        if item.conversation is None:
            return
        self.running = (request_id, item_id)
        self._set_state(item, State.RUNNING)
        options = self.settings.engine_options()
        self.run_requested.emit(Job(request_id, item.conversation, options.budget, options.max_new_tokens))

    def recognize_again(self) -> None:
        item = self.current_item()
        if item is not None:
            self._request(item, self._question(), new_conversation=True, urgent=True)

    def ask_follow_up(self) -> None:
        item = self.current_item()
        question = self.follow_up.text().strip()
        if item is None or not question:
            return
        if item.conversation is None or item.state is State.RUNNING:
            self.statusBar().showMessage("Wait for the answer, or press Stop first", 5000)
            return
        self.follow_up.clear()
        self._request(item, question, new_conversation=False, urgent=True)

    def stop(self) -> None:
        """Stop the running recognition; queued ones are dropped."""
        for _request_id, item_id in self.queue:
            self._set_state(self.items[item_id], State.CANCELLED)
        self.queue.clear()
        if self.running is not None:
            self.worker.cancel(self.running[0])

    # ----- worker results
    def _on_chunk(self, request_id: int, text: str) -> None:
        if self.running is None or self.running[0] != request_id:
            return
        item = self.items[self.running[1]]
        item.partial += text
        if self.current_item() is item:
            self.pane.show_text(item.transcript(), streaming=True, latex_mode=item.bare_latex)

    def _on_finished(self, request_id: int, answer: Answer) -> None:
        if self.running is None or self.running[0] != request_id:
            return
        item = self.items[self.running[1]]
        self.running = None
        item.stats = answer.stats
        item.partial = answer.text
        cancelled = answer.stats.stop_reason is StopReason.CANCELLED
        self._set_state(item, State.CANCELLED if cancelled else State.DONE)
        if self.current_item() is item:
            self._show_item(item)
        self.stats_label.setText(_stats_text(answer))
        self.log(f"{item.name}: {answer.stats.summary()}")
        if answer.stats.stop_reason is StopReason.REPETITION:
            self.statusBar().showMessage("Stopped: the model was repeating itself", 8000)
        if not cancelled and self.settings.auto_copy and self.current_item() is item:
            self.copy_markdown()
        self.answer_finished.emit(item.item_id)
        self._start_next()

    def _on_failed(self, request_id: int, failure: Failure) -> None:
        if self.running is None or self.running[0] != request_id:
            return
        item_id = self.running[1]
        self.running = None
        self._fail_item(item_id, failure.message)
        if failure.kind == "OutOfMemoryError":
            self._error_dialog(
                "Out of memory",
                failure.message,
                "Lower the maximum pixels in Settings (fewer visual tokens), or use a smaller dtype.",
            )
        elif failure.kind == "ImageError":
            self.statusBar().showMessage(failure.message, 8000)
        else:
            self._error_dialog(
                "Recognition failed", failure.message, "The image and question are kept: try again."
            )
        self.answer_finished.emit(item_id)
        self._start_next()

    def _fail_item(self, item_id: int, message: str) -> None:
        item = self.items[item_id]
        item.error = message
        self._set_state(item, State.FAILED)
        if self.current_item() is item:
            self._show_item(item)

    def _error_dialog(self, title: str, message: str, hint: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Close, self)
        box.setInformativeText(hint)
        if title.startswith("The model"):
            settings_button = box.addButton("Settings…", QMessageBox.ButtonRole.ActionRole)
            settings_button.clicked.connect(self.open_settings)
        self.error_box = box
        box.open()

    # ----- showing
    def current_item(self) -> Item | None:
        entry = self.item_list.currentItem()
        return self.items.get(entry.data(Qt.ItemDataRole.UserRole)) if entry is not None else None

    def _row_of(self, item_id: int) -> int:
        for row in range(self.item_list.count()):
            if self.item_list.item(row).data(Qt.ItemDataRole.UserRole) == item_id:
                return row
        return -1

    def _set_state(self, item: Item, state: State) -> None:
        item.state = state
        row = self._row_of(item.item_id)
        if row >= 0:
            label = item.name if state is State.DONE else f"{item.name} — {state.value}"
            self.item_list.item(row).setText(label)

    def _show_current(self, _row: int) -> None:
        item = self.current_item()
        if item is not None:
            self.image_view.set_image(pil_to_qimage(item.image))
            self._show_item(item)

    def _show_item(self, item: Item) -> None:
        text = item.transcript()
        if item.state is State.FAILED and not text:
            text = f"*{item.error}*"
        self.pane.show_text(text, streaming=item.state is State.RUNNING, latex_mode=item.bare_latex)
        if self.source.toPlainText() != text:
            self.source.blockSignals(True)
            self.source.setPlainText(text)
            self.source.blockSignals(False)
        if item.stats is not None:
            self.stats_label.setText(_stats_text(Answer(text, item.stats)))

    def toggle_source(self) -> None:
        editing = self.result_stack.currentWidget() is self.pane
        self.result_stack.setCurrentWidget(self.source if editing else self.pane)
        self.source_action.setChecked(editing)

    def _source_edited(self) -> None:
        item = self.current_item()
        if item is None or item.state is State.RUNNING:
            return
        item.edited = self.source.toPlainText()
        self.pane.show_text(item.edited, latex_mode=item.bare_latex)

    # ----- copy
    def _current_text(self) -> tuple[str, bool] | None:
        item = self.current_item()
        if item is None or not item.transcript():
            self.statusBar().showMessage("Nothing to copy yet", 3000)
            return None
        return item.transcript(), item.bare_latex

    def _put_on_clipboard(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(f"Copied {what}", 3000)

    def copy_markdown(self) -> None:
        current = self._current_text()
        if current:
            text, bare = current
            self._put_on_clipboard(
                export.to_latex(text, Delimiters.DOUBLE_DOLLAR, bare) if bare else text, "Markdown"
            )

    def copy_plain_text(self) -> None:
        current = self._current_text()
        if current:
            self._put_on_clipboard(export.to_plain_text(*current), "plain text")

    def copy_latex(self, delimiters: Delimiters | None = None) -> None:
        current = self._current_text()
        if current:
            style = delimiters or Delimiters(self.settings.delimiters)
            self._put_on_clipboard(export.to_latex(current[0], style, current[1]), f"LaTeX ({style.value})")

    def copy_mathml(self) -> None:
        current = self._current_text()
        if current:
            self._put_on_clipboard(export.to_mathml(*current), "MathML")

    def _copy_formula(self, tex: str) -> None:
        self._put_on_clipboard(tex, "the formula's LaTeX")

    # ----- settings and closing
    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.apply_settings(dialog.result_settings())

    def apply_settings(self, settings: Settings) -> None:
        reload = (
            settings.engine_options().model,
            settings.device,
            settings.dtype,
            settings.server_options(),
        ) != (
            self.settings.engine_options().model,
            self.settings.device,
            self.settings.dtype,
            self.settings.server_options(),
        )
        self.settings = settings
        if self.persist:
            save_settings(self.store, settings)
        if reload:
            self.stop()
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

    # ----- snipping
    def start_snip(self) -> None:
        """Hide the window, grab every screen, and show the freeze-frame overlays."""
        if self.snip_session is not None:
            return
        self._restore_after_snip = self.isVisible()
        self.hide()
        # Let the window manager unmap the window before the screens are grabbed.
        QTimer.singleShot(SNIP_GRAB_DELAY_MS, self._grab_for_snip)

    def _grab_for_snip(self) -> None:
        try:
            grabs = grab_screens(self.settings.capture_handler or None)
        except CaptureError as error:
            self.bring_to_front()
            self._error_dialog(
                "Cannot capture the screen", str(error), "Open an image file or paste one instead."
            )
            self.snip_ended.emit(False)
            return
        self.snip_session = SnipSession(grabs)
        self.snip_session.finished.connect(self._on_snip)
        self.snip_session.cancelled.connect(self._on_snip_cancelled)
        self.snip_session.show()

    def _on_snip(self, image: QImage) -> None:
        self.log(f"snip: {image.width()}×{image.height()} px")
        self.snip_session = None
        self.bring_to_front()
        self._snips += 1
        self.add_sources([(f"snip {self._snips}", _qimage_png(image))])
        self.snip_ended.emit(True)

    def _on_snip_cancelled(self) -> None:
        self.log("snip: cancelled")
        self.snip_session = None
        if self._restore_after_snip:
            self.bring_to_front()
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
            self.add_paths(images)
        if request.get("snip"):
            self.start_snip()
        elif request.get("quit"):
            self.quit()
        elif not images:
            self.bring_to_front()

    def shut_down(self) -> None:
        """Cancel whatever runs and join the worker thread."""
        if self.thread_.isRunning():
            self.queue.clear()
            self.worker.shut_down()
            self.thread_.quit()
            self.thread_.wait()
            self.worker.release()  # the worker thread has ended: free the model deterministically


def _stats_text(answer: Answer) -> str:
    stats = answer.stats
    parts = [f"{stats.visual_tokens} visual tokens"]
    if stats.time_to_first_token is not None:
        parts.append(f"first token {stats.time_to_first_token:.1f} s")
    if stats.tokens_per_second:
        parts.append(f"{stats.tokens_per_second:.1f} tok/s")
    return " · ".join(parts)


def _qimage_png(image: QImage) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes, Qt wants str
    return bytes(data.data())


def _path_from_text(text: str) -> str | None:
    """A pasted line naming an image file: a path or a file:// URL."""
    text = text.strip().strip('"')
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    return text if text.lower().endswith(IMAGE_SUFFIXES) else None
