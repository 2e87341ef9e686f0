"""Edit the saved settings; changing the model, device, dtype, backend or weights reloads the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...core.settings_store import Settings
from ...engine import options as defaults
from ...engine.prompts import Mode
from ...render.export import Delimiters
from ...render.linebreaks import LINE_BREAK_LABELS
from .sections import HotkeySection, PresetsSection, RuntimeSection


class SettingsDialog(QDialog):
    connection_tested = Signal(str)  # the line shown, once a connection test has ended

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        apply_hotkey: Callable[[str], str | None] | None = None,  # HotkeyController.apply
    ) -> None:
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
        self.runtime_section = RuntimeSection(form, settings)

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
        self.line_breaks = QComboBox()
        for mode, label in LINE_BREAK_LABELS.items():
            self.line_breaks.addItem(label, mode.value)
        self.line_breaks.setCurrentIndex(max(self.line_breaks.findData(settings.line_breaks), 0))
        form.addRow("Line breaks (shown answer and copies)", self.line_breaks)
        self.auto_copy = QCheckBox("Copy the result when a recognition finishes")
        self.auto_copy.setChecked(settings.auto_copy)
        form.addRow("", self.auto_copy)
        self.keep_in_tray = QCheckBox("Keep running in the tray when the window closes (model stays warm)")
        self.keep_in_tray.setChecked(settings.keep_in_tray)
        form.addRow("", self.keep_in_tray)
        # Hotkey, notifications and presets: their own sections (settings_sections.py).
        self.hotkey_section = HotkeySection(form, settings, apply_hotkey)
        self.hotkey = self.hotkey_section.edit
        self.presets_section = PresetsSection(form, settings)
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

        form.addRow(self._privacy_group(settings))
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

    def accept(self) -> None:
        """Close only with a hotkey that could be grabbed and presets that can be used."""
        if self.presets_section.validate() and self.hotkey_section.validate():
            super().accept()

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

    def _privacy_group(self, settings: Settings) -> QGroupBox:
        """Keep history or not, for how long, where; and where the API key is kept."""
        from ... import secrets
        from ...history import default_data_dir

        group = QGroupBox("Privacy")
        privacy = QFormLayout(group)
        self.keep_history = QCheckBox("Keep a history of answers and their images (off: nothing is written)")
        self.keep_history.setChecked(settings.keep_history)
        privacy.addRow(self.keep_history)
        self.keep_days = _spin(0, 36500, settings.keep_days)
        self.keep_days.setSpecialValueText("forever")
        self.keep_days.setSuffix(" days")
        privacy.addRow("Keep for", self.keep_days)
        self.keep_records = _spin(0, 1_000_000, settings.keep_records)
        self.keep_records.setSpecialValueText("no limit")
        self.keep_records.setSuffix(" records")
        privacy.addRow("Keep at most", self.keep_records)
        self.history_location = QLineEdit(settings.history_location)
        self.history_location.setPlaceholderText(str(default_data_dir()))
        browse = QPushButton("Folder…")
        browse.clicked.connect(self._browse_history)
        row = QHBoxLayout()
        row.addWidget(self.history_location, 1)
        row.addWidget(browse)
        privacy.addRow("History folder", row)
        for widget in (self.keep_days, self.keep_records, self.history_location, browse):
            self.keep_history.toggled.connect(widget.setEnabled)
            widget.setEnabled(settings.keep_history)
        self.key_storage = QLabel(secrets.where_api_key_lives())
        self.key_storage.setWordWrap(True)
        privacy.addRow(self.key_storage)
        return group

    def _browse_history(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "History folder")
        if folder:
            self.history_location.setText(folder)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model folder")
        if folder:
            self.model.setText(folder)

    def result_settings(self) -> Settings:
        min_tokens = min(self.min_tokens.value(), self.max_tokens.value())
        # From the settings given: a field this dialog does not show keeps its value.
        return replace(
            self._settings,
            **self.runtime_section.values(),  # type: ignore[arg-type]
            model=self.model.text().strip(),
            device=self.device.currentText(),
            dtype=self.dtype.currentText(),
            min_pixels=min_tokens * defaults.PIXELS_PER_TOKEN,
            max_pixels=self.max_tokens.value() * defaults.PIXELS_PER_TOKEN,
            max_new_tokens=self.max_new_tokens.value(),
            mode=self.mode.currentText(),
            delimiters=self.delimiters.currentText(),
            line_breaks=str(self.line_breaks.currentData()),
            auto_copy=self.auto_copy.isChecked(),
            capture_handler=self.capture_handler.currentText(),
            keep_in_tray=self.keep_in_tray.isChecked(),
            hotkey=self.hotkey_section.value(),
            notify=self.hotkey_section.notify.isChecked(),
            presets=self.presets_section.value(),
            snip_wait_for_key=self.presets_section.wait_for_key.isChecked(),
            server_url=self.server_url.text().strip(),
            server_model=self.server_model.text().strip(),
            api_key=self.api_key.text().strip(),
            keep_history=self.keep_history.isChecked(),
            keep_days=self.keep_days.value(),
            keep_records=self.keep_records.value(),
            history_location=self.history_location.text().strip(),
            uncertain_below=round(self.uncertain_below.value(), 2),
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
        from ...engine.errors import EngineError
        from ...engine.server import ServerBackend, ServerOptions

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
