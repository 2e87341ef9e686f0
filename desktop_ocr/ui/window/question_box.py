"""The toolbar's question: a mode box (built-in modes, then the user's presets) and a custom prompt."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLineEdit, QToolBar

from ...engine.presets import Preset
from ...engine.prompts import Mode, prompt_for

MODE_LABELS = {
    Mode.TEXT.value: "Text", Mode.LATEX.value: "LaTeX", Mode.MARKDOWN.value: "Markdown",
    Mode.DESCRIBE.value: "Describe", Mode.CODES.value: "Codes", "custom": "Custom prompt…",
}  # fmt: skip
PRESET_PREFIX = "preset:"  # the mode box's data for a user preset: PRESET_PREFIX + its name


class QuestionBox:
    """What Recognize asks: (mode, question, latex mode) from the two toolbar widgets."""

    def __init__(self, presets: Sequence[Preset], current: str) -> None:
        self.mode_box = QComboBox()
        self.custom_prompt = QLineEdit()
        self.custom_prompt.setPlaceholderText("Your question about the image")
        self.custom_prompt.setAccessibleName("Custom prompt")
        self.custom_prompt.setMinimumWidth(260)
        self.custom_prompt.setVisible(False)
        # A widget in a QToolBar is shown and hidden through its action (the toolbar's own
        # layout overrides the widget's setVisible): bind() finds it once it is in the toolbar.
        self._prompt_action: QAction | None = None
        self.fill(presets, current)
        self.mode_box.currentIndexChanged.connect(lambda _i: self._chosen())

    def bind(self, toolbar: QToolBar) -> None:
        """Show and hide the prompt field through its toolbar action from now on."""
        for action in toolbar.actions():
            if toolbar.widgetForAction(action) is self.custom_prompt:
                self._prompt_action = action
        self._show_prompt()

    def _chosen(self) -> None:
        self._show_prompt()
        if self.custom:
            self.custom_prompt.setFocus()  # the user picked "Custom prompt…": type it now

    @property
    def custom(self) -> bool:
        return self.mode_box.currentData() == "custom"

    def _show_prompt(self) -> None:
        if self._prompt_action is not None:
            self._prompt_action.setVisible(self.custom)
        else:
            self.custom_prompt.setVisible(self.custom)

    def fill(self, presets: Sequence[Preset], current: str) -> None:
        """The built-in modes, then the user's presets (so Recognize again can use one)."""
        box = self.mode_box
        box.blockSignals(True)
        box.clear()
        for value, label in MODE_LABELS.items():
            box.addItem(label, value)
        if presets:
            box.insertSeparator(box.count())
        for preset in presets:
            box.addItem(preset.name, PRESET_PREFIX + preset.name)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.blockSignals(False)
        self._show_prompt()

    def use_custom_prompt(self, prompt: str) -> None:
        self.mode_box.setCurrentIndex(self.mode_box.findData("custom"))
        self.custom_prompt.setText(prompt)

    def question(self, presets: Sequence[Preset], default_mode: str) -> tuple[str, str, bool]:
        """(mode, question, latex mode); a preset renamed or removed since falls back to `default_mode`."""
        mode = self.mode_box.currentData()
        if mode == "custom":
            return mode, self.custom_prompt.text().strip() or prompt_for(Mode.DESCRIBE), False
        if mode.startswith(PRESET_PREFIX):
            name = mode.removeprefix(PRESET_PREFIX)
            for preset in presets:
                if preset.name == name:
                    return preset.name, preset.prompt, False
            mode = default_mode
        if mode == Mode.CODES.value:
            return mode, "", False  # QR codes and barcodes only: no question for the model
        return mode, prompt_for(mode), mode == Mode.LATEX.value
