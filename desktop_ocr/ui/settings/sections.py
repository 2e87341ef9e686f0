"""Settings dialog sections of their own: the global hotkey with notifications, presets, runtime.

Kept apart from settings_dialog.py so each section is built, validated and tested alone;
the dialog adds them to its form and asks them for their values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.settings_store import Settings
from ...engine import presets as prompt_presets
from ...engine.options import BACKENDS, WEIGHT_FORMATS
from ..platform.hotkeys import probe_hotkey


class HotkeySection:
    """The global snip hotkey (checked by grabbing it) and the 'notify when ready' switch."""

    def __init__(
        self,
        form: QFormLayout,
        settings: Settings,
        apply: Callable[[str], str | None] | None = None,
    ) -> None:
        # `apply` switches the running app's hotkey (HotkeyController.apply); without one the
        # key is only tried (grabbed and released) to see that it can be had.
        self.previous = settings.hotkey
        self.apply = apply or probe_hotkey
        self.edit = QLineEdit(settings.hotkey)
        self.edit.setPlaceholderText("off, e.g. Ctrl+Alt+S")
        form.addRow("Global snip hotkey", self.edit)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        form.addRow("", self.message)
        self.notify = QCheckBox("Notify me when the text is ready while the window is hidden or in the back")
        self.notify.setChecked(settings.notify)
        form.addRow("", self.notify)

    def value(self) -> str:
        return self.edit.text().strip()

    def validate(self) -> bool:
        """Grab a changed key; on failure say why, put the previous key back, and return False."""
        if self.value() == self.previous:
            return True
        error = self.apply(self.value())
        if error is None:
            self.previous = self.value()
            self.message.setVisible(False)
            return True
        self.message.setText(f"✗ {error} — kept {self.previous or 'no hotkey'}.")
        self.message.setVisible(True)
        self.edit.setText(self.previous)
        return False


class PresetsSection:
    """A small table of prompt presets (name, prompt); the first nine are keys 1–9 when snipping."""

    def __init__(self, form: QFormLayout, settings: Settings) -> None:
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Name", "Prompt"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(140)
        self.set_presets(settings.preset_list())
        buttons = QHBoxLayout()
        for label, slot in (
            ("Add", self.add),
            ("Remove", self.remove),
            ("Up", lambda: self.move(-1)),
            ("Down", lambda: self.move(1)),
            ("Defaults", lambda: self.set_presets(prompt_presets.DEFAULT_PRESETS)),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        column.addWidget(self.message)
        form.addRow("Prompt presets (keys 1–9 while snipping; --preset NAME)", box)
        self.wait_for_key = QCheckBox("After the drag, wait for a preset key (1–9) or Enter")
        self.wait_for_key.setChecked(settings.snip_wait_for_key)
        form.addRow("", self.wait_for_key)

    def set_presets(self, presets: Iterable[prompt_presets.Preset]) -> None:
        self.table.setRowCount(0)
        for preset in presets:
            self._append(preset.name, preset.prompt)

    def _append(self, name: str, prompt: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(prompt))

    def add(self) -> None:
        self._append("", "")
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)

    def remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        rows = self._rows()
        rows[row], rows[target] = rows[target], rows[row]
        self.table.setRowCount(0)
        for name, prompt in rows:
            self._append(name, prompt)
        self.table.setCurrentCell(target, 0)

    def _rows(self) -> list[tuple[str, str]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(row, 0), text(row, 1)) for row in range(self.table.rowCount())]

    def presets(self) -> list[prompt_presets.Preset]:
        """The table's presets, fully empty rows skipped; PresetError for anything unusable."""
        rows = [prompt_presets.Preset(n, p) for n, p in self._rows() if n.strip() or p.strip()]
        return prompt_presets.validate(rows)

    def validate(self) -> bool:
        try:
            self.presets()
        except prompt_presets.PresetError as error:
            self.message.setText(f"✗ {error}")
            return False
        self.message.setText("")
        return True

    def value(self) -> str:
        return prompt_presets.serialize(self.presets())


# The runtime settings, one row each: (Settings field, label, choices; None: a check box).
# The choices are engine/options.py's own tuples, so a new backend or format shows up here.
RUNTIME_FIELDS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("backend", "Backend (auto: OpenVINO for a converted model on a CPU)", BACKENDS),
    ("weights", "OpenVINO weights", WEIGHT_FORMATS),
    ("compile_decode", "Compile the decode step on CUDA (static KV cache; compiled after loading)", None),
)


class RuntimeSection:
    """Backend, weight format and compiled decode, generated from RUNTIME_FIELDS; a change reloads."""

    def __init__(self, form: QFormLayout, settings: Settings) -> None:
        group = QGroupBox("Runtime")
        layout = QFormLayout(group)
        self.widgets: dict[str, QComboBox | QCheckBox] = {}
        for name, label, choices in RUNTIME_FIELDS:
            value = getattr(settings, name)
            if choices is None:
                box = QCheckBox(label)
                box.setChecked(bool(value))
                layout.addRow(box)
                self.widgets[name] = box
            else:
                combo = QComboBox()
                combo.addItems(list(choices))
                combo.setCurrentIndex(max(combo.findText(str(value)), 0))
                layout.addRow(label, combo)
                self.widgets[name] = combo
        form.addRow(group)

    def values(self) -> dict[str, object]:
        """The fields' values, for dataclasses.replace(settings, **values)."""
        return {
            name: widget.isChecked() if isinstance(widget, QCheckBox) else widget.currentText()
            for name, widget in self.widgets.items()
        }
