"""Edit the saved settings; changing the model, device or dtype reloads the model."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..engine import options as defaults
from ..engine.prompts import Mode
from ..render.export import Delimiters
from .settings import Settings


class SettingsDialog(QDialog):
    connection_tested = Signal(str)  # the line shown, once a connection test has ended

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._test_ticket = 0
        self.setWindowTitle("Settings")
        self._settings = settings
        form = QFormLayout(self)

        self.model = QLineEdit(settings.model)
        self.model.setPlaceholderText(defaults.default_model())
        browse = QPushButton("Folder…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(browse)
        form.addRow("Model (hub id or folder)", row)

        self.device = _combo(defaults.DEVICES, settings.device)
        self.dtype = _combo(defaults.DTYPES, settings.dtype)
        form.addRow("Device", self.device)
        form.addRow("Dtype", self.dtype)

        low, high = defaults.MIN_BUDGET_TOKENS, defaults.MAX_BUDGET_TOKENS
        self.min_tokens = _spin(low, high, settings.min_pixels // defaults.PIXELS_PER_TOKEN)
        self.max_tokens = _spin(low, high, settings.max_pixels // defaults.PIXELS_PER_TOKEN)
        form.addRow("Min visual tokens (small images are upscaled)", self.min_tokens)
        form.addRow("Max visual tokens (large images are downscaled)", self.max_tokens)
        form.addRow("", QLabel("One visual token is a 28×28 px tile; fewer tokens answer faster."))
        self.max_new_tokens = _spin(1, 32768, settings.max_new_tokens)
        form.addRow("Longest answer (tokens)", self.max_new_tokens)

        self.mode = _combo([m.value for m in Mode], settings.mode)
        form.addRow("Default mode", self.mode)
        self.delimiters = _combo([d.value for d in Delimiters], settings.delimiters)
        form.addRow("LaTeX delimiters", self.delimiters)
        self.auto_copy = QCheckBox("Copy the result when a recognition finishes")
        self.auto_copy.setChecked(settings.auto_copy)
        form.addRow("", self.auto_copy)
        self.keep_in_tray = QCheckBox("Keep running in the tray when the window closes (model stays warm)")
        self.keep_in_tray.setChecked(settings.keep_in_tray)
        form.addRow("", self.keep_in_tray)
        self.hotkey = QLineEdit(settings.hotkey)
        self.hotkey.setPlaceholderText("off, e.g. Ctrl+Alt+S (X11; elsewhere bind desktop-ocr --snip)")
        form.addRow("Global snip hotkey", self.hotkey)
        self.capture_handler = _combo(
            ["", "qt", "mss", "portal", "grim", "spectacle"], settings.capture_handler
        )
        form.addRow("Screen capture (empty: automatic)", self.capture_handler)

        self.server_url = QLineEdit(settings.server_url)
        self.server_url.setPlaceholderText("empty: the local model; e.g. http://127.0.0.1:8000/v1")
        form.addRow("OpenAI-compatible server", self.server_url)
        self.server_model = QLineEdit(settings.server_model)
        self.server_model.setPlaceholderText("empty: the server's only model")
        form.addRow("Server model", self.server_model)
        self.api_key = QLineEdit(settings.api_key)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("empty: $DESKTOP_OCR_API_KEY")
        form.addRow("API key", self.api_key)
        test = QPushButton("Test connection")
        test.clicked.connect(self.test_connection)
        self.connection_result = QLabel("")
        self.connection_result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(test)
        row.addWidget(self.connection_result, 1)
        form.addRow("", row)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def test_connection(self) -> None:
        """List the server's models on a pool thread; the answer lands in `connection_result`."""
        url = self.server_url.text().strip()
        if not url:
            self.connection_result.setText("Enter the server's URL first")
            return
        self._test_ticket += 1
        self.connection_result.setText("testing…")
        task = _ConnectionTest(self._test_ticket, url, self.api_key.text().strip() or None)
        task.signals.done.connect(self._connection_tested)
        _RUNNING_TESTS.add(task)  # alive until it has answered, even if the dialog closes
        task.signals.done.connect(lambda *_: _RUNNING_TESTS.discard(task))
        QThreadPool.globalInstance().start(task)

    def _connection_tested(self, ticket: int, text: str) -> None:
        if ticket == self._test_ticket:  # an older test's late answer is not shown
            self.connection_result.setText(text)
            self.connection_tested.emit(text)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model folder")
        if folder:
            self.model.setText(folder)

    def result_settings(self) -> Settings:
        min_tokens = min(self.min_tokens.value(), self.max_tokens.value())
        return Settings(
            model=self.model.text().strip(),
            device=self.device.currentText(),
            dtype=self.dtype.currentText(),
            min_pixels=min_tokens * defaults.PIXELS_PER_TOKEN,
            max_pixels=self.max_tokens.value() * defaults.PIXELS_PER_TOKEN,
            max_new_tokens=self.max_new_tokens.value(),
            mode=self.mode.currentText(),
            delimiters=self.delimiters.currentText(),
            auto_copy=self.auto_copy.isChecked(),
            capture_handler=self.capture_handler.currentText(),
            keep_in_tray=self.keep_in_tray.isChecked(),
            hotkey=self.hotkey.text().strip(),
            server_url=self.server_url.text().strip(),
            server_model=self.server_model.text().strip(),
            api_key=self.api_key.text().strip(),
        )


_RUNNING_TESTS: set[_ConnectionTest] = set()


class _TestSignals(QObject):
    done = Signal(int, str)  # ticket, the line to show


class _ConnectionTest(QRunnable):
    """Lists a server's models off the GUI thread: a dead server can take the read timeout."""

    def __init__(self, ticket: int, url: str, api_key: str | None) -> None:
        super().__init__()
        self.ticket, self.url, self.api_key = ticket, url, api_key
        self.signals = _TestSignals()  # no parent: outlives the dialog if it closes first
        self.setAutoDelete(False)  # Python owns it (_RUNNING_TESTS)

    def run(self) -> None:
        from ..engine.errors import EngineError
        from ..engine.server import ServerBackend, ServerOptions

        try:
            backend = ServerBackend(ServerOptions(url=self.url, model="-", api_key=self.api_key))
            models = backend.list_models()
        except EngineError as error:
            self.signals.done.emit(self.ticket, f"✗ {error}")
            return
        except Exception as error:  # noqa: BLE001 - said in the dialog, never lost on a pool thread
            self.signals.done.emit(self.ticket, f"✗ {type(error).__name__}: {error}")
            return
        self.signals.done.emit(self.ticket, "✓ serves: " + (", ".join(models) or "no model"))


def _combo(values: object, current: str) -> QComboBox:
    box = QComboBox()
    box.addItems([str(v) for v in values])  # type: ignore[attr-defined]
    box.setCurrentText(current)
    return box


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box
