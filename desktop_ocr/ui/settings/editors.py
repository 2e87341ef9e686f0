"""One editor class per widget kind of the settings table: each shows a field's value and gives it back.

The dialog makes every row from the table through EDITORS; a field whose editor is missing
cannot be built, so no setting is ever left out of the dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...config import Field, Widget
from ...engine.options import PIXELS_PER_TOKEN


class Editor:
    """A field's row: `row` goes into the form, `input` is what the user edits."""

    labelled = True  # False: the widget says its label itself (a check box)

    def __init__(self, field: Field, value: object) -> None:
        self.field = field
        self.row: QWidget = self.input
        self.row.setToolTip(field.spec.help)
        self.set_value(value)

    input: QWidget

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        raise NotImplementedError

    def validate(self) -> bool:
        """Whether the dialog may close with this value (a section may say why not)."""
        return True


class TextEditor(Editor):
    input: QLineEdit

    def __init__(self, field: Field, value: object) -> None:
        self.input = QLineEdit()
        self.input.setPlaceholderText(field.spec.placeholder_text())
        if field.spec.secret:
            self.input.setEchoMode(QLineEdit.EchoMode.Password)
        super().__init__(field, value)

    def value(self) -> str:
        return self.input.text().strip()

    def set_value(self, value: object) -> None:
        self.input.setText(str(value))


class FolderEditor(TextEditor):
    """A folder's path, typed or chosen with Folder…."""

    def __init__(self, field: Field, value: object) -> None:
        super().__init__(field, value)
        self.browse = QPushButton("Folder…")
        self.browse.clicked.connect(self._browse)
        self.row = QWidget()
        layout = QHBoxLayout(self.row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input, 1)
        layout.addWidget(self.browse)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.input, self.field.spec.label)
        if folder:
            self.input.setText(folder)


class ChoiceEditor(Editor):
    input: QComboBox

    def __init__(self, field: Field, value: object) -> None:
        self.input = QComboBox()
        self.input.addItems(list(field.spec.choices))
        super().__init__(field, value)

    def value(self) -> str:
        return self.input.currentText()

    def set_value(self, value: object) -> None:
        self.input.setCurrentIndex(max(self.input.findText(str(value)), 0))


class CheckEditor(Editor):
    labelled = False
    input: QCheckBox

    def __init__(self, field: Field, value: object) -> None:
        self.input = QCheckBox(field.spec.label)
        super().__init__(field, value)

    def value(self) -> bool:
        return self.input.isChecked()

    def set_value(self, value: object) -> None:
        self.input.setChecked(bool(value))


class NumberEditor(Editor):
    scale = 1  # the field's unit per shown unit
    input: QSpinBox

    def __init__(self, field: Field, value: object) -> None:
        spec = field.spec
        self.input = QSpinBox()
        self.input.setRange(int(spec.low) // self.scale, int(spec.high) // self.scale)
        self.input.setSpecialValueText(spec.special)
        self.input.setSuffix(spec.suffix)
        super().__init__(field, value)

    def value(self) -> int:
        return self.input.value() * self.scale

    def set_value(self, value: object) -> None:
        self.input.setValue(int(value) // self.scale)  # type: ignore[call-overload]


class TokensEditor(NumberEditor):
    """A pixel area shown as visual tokens of 28×28 px."""

    scale = PIXELS_PER_TOKEN


class FractionEditor(Editor):
    input: QDoubleSpinBox

    def __init__(self, field: Field, value: object) -> None:
        self.input = QDoubleSpinBox()
        self.input.setRange(field.spec.low, field.spec.high)
        self.input.setSingleStep(0.05)
        self.input.setDecimals(2)
        self.input.setSpecialValueText(field.spec.special)
        super().__init__(field, value)

    def value(self) -> float:
        return round(self.input.value(), 2)

    def set_value(self, value: object) -> None:
        self.input.setValue(float(value))  # type: ignore[arg-type]


def editor_kinds() -> dict[Widget, Callable[[Field, object], Editor]]:
    """Every widget kind's editor (the hotkey and presets ones are sections of their own)."""
    from .model_editor import ModelEditor
    from .sections import HotkeyEditor, PresetsEditor

    return {
        Widget.TEXT: TextEditor,
        Widget.FOLDER: FolderEditor,
        Widget.MODEL: ModelEditor,
        Widget.CHOICE: ChoiceEditor,
        Widget.CHECK: CheckEditor,
        Widget.NUMBER: NumberEditor,
        Widget.TOKENS: TokensEditor,
        Widget.FRACTION: FractionEditor,
        Widget.HOTKEY: HotkeyEditor,
        Widget.PRESETS: PresetsEditor,
    }
