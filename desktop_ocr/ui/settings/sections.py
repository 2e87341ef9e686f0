"""The two editors of the settings table that are sections of their own: the hotkey and the presets.

Each is built, validated and tested alone; the dialog places it like any other editor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...config import Field
from ...engine import presets as prompt_presets
from ..platform.hotkeys import probe_hotkey
from .editors import Editor

PORTABLE = QKeySequence.SequenceFormat.PortableText


class HotkeyEditor(Editor):
    """The global snip hotkey: press it to record it; checked by grabbing it when the dialog closes."""

    input: QKeySequenceEdit

    def __init__(self, field: Field, value: object) -> None:
        self.input = QKeySequenceEdit()
        self.input.setMaximumSequenceLength(1)  # one chord: a global hotkey is never a sequence
        self.input.setClearButtonEnabled(True)
        line = self.input.findChild(QLineEdit)  # QKeySequenceEdit has no placeholder of its own
        if line is not None:
            line.setPlaceholderText(field.spec.placeholder_text())
            # A screen reader names the field by its row's label (the label's buddy is the row).
            line.setAccessibleName(field.spec.label)
        self.input.setAccessibleName(field.spec.label)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        # Switches the running app's hotkey (HotkeyController.apply); the dialog gives it. Without
        # one the key is only tried (grabbed and released) to see that it can be had.
        self.apply: Callable[[str], str | None] = probe_hotkey
        super().__init__(field, value)
        self.previous = self.value()
        self.row = QWidget()
        column = QVBoxLayout(self.row)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.input)
        column.addWidget(self.message)

    def value(self) -> str:
        return self.input.keySequence().toString(PORTABLE)

    def set_value(self, value: object) -> None:
        self.input.setKeySequence(QKeySequence.fromString(str(value), PORTABLE))

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
        self.set_value(self.previous)
        return False


class PresetsEditor(Editor):
    """A small table of prompt presets (name, prompt); the first nine are keys 1–9 when snipping."""

    input: QTableWidget

    def __init__(self, field: Field, value: object) -> None:
        self.table = self.input = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Name", "Prompt"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # names shown whole
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(140)
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
        self.message.setVisible(False)
        super().__init__(field, value)
        # A shown complaint follows the edits: fixed presets take it away before OK is pressed.
        model = self.table.model()
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: self._recheck())
        self.row = QWidget()
        column = QVBoxLayout(self.row)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        column.addWidget(self.message)

    def set_value(self, value: object) -> None:
        try:
            self.set_presets(prompt_presets.parse(str(value)))
        except prompt_presets.PresetError:
            self.set_presets(prompt_presets.DEFAULT_PRESETS)

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
            self.message.setVisible(True)
            return False
        self.message.setText("")
        self.message.setVisible(False)
        return True

    def _recheck(self) -> None:
        if self.message.text():  # only a complaint already shown is rechecked
            self.validate()

    def value(self) -> str:
        return prompt_presets.serialize(self.presets())
