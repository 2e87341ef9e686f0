"""The toolbar's question: a mode box (built-in modes, then the user's presets) and a custom
prompt in a toolbar row of its own."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSizePolicy, QToolBar

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
        # The prompt has a toolbar row of its own, the window's whole width: in the main
        # toolbar it pushed Save as, Edit source and Settings out of sight.
        self.prompt_bar = QToolBar("Custom prompt")
        self.prompt_bar.setMovable(False)
        self.prompt_bar.setFloatable(False)
        self.prompt_bar.toggleViewAction().setEnabled(False)  # shown by the mode, not by a menu
        self.prompt_bar.addWidget(QLabel("Prompt: "))
        self.prompt_bar.addWidget(self.custom_prompt)
        self.custom_prompt.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.prompt_bar.setVisible(False)
        self.fill(presets, current)
        self.mode_box.currentIndexChanged.connect(lambda _i: self._chosen())

    def _chosen(self) -> None:
        self._show_prompt()
        if self.custom:
            self.custom_prompt.setFocus()  # the user picked "Custom prompt…": type it now

    @property
    def custom(self) -> bool:
        return self.mode_box.currentData() == "custom"

    def _show_prompt(self) -> None:
        self.prompt_bar.setVisible(self.custom)

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
