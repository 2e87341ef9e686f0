"""Edit the saved settings; changing the model, device or dtype reloads the model."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
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
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

        # --- Uncertain tokens (issue 13) ----------------------------------------------------------
        self.uncertain_below = QDoubleSpinBox()
        self.uncertain_below.setRange(0.0, 1.0)
        self.uncertain_below.setSingleStep(0.05)
        self.uncertain_below.setDecimals(2)
        self.uncertain_below.setValue(settings.uncertain_below)
        self.uncertain_below.setSpecialValueText("off")
        form.addRow("Mark tokens less likely than", self.uncertain_below)
        # --- end of uncertain tokens ----------------------------------------------------------------

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def test_connection(self) -> None:
        """List the server's models, or say in one line why that failed."""
        from ..engine.errors import EngineError
        from ..engine.server import ServerBackend, ServerOptions

        url = self.server_url.text().strip()
        if not url:
            self.connection_result.setText("Enter the server's URL first")
            return
        try:
            backend = ServerBackend(
                ServerOptions(url=url, model="-", api_key=self.api_key.text().strip() or None)
            )
            models = backend.list_models()
        except EngineError as error:
            self.connection_result.setText(f"✗ {error}")
            return
        self.connection_result.setText("✓ serves: " + (", ".join(models) or "no model"))

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
            uncertain_below=round(self.uncertain_below.value(), 2),
        )


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
