"""The model row: a hub id or a folder, typed, chosen with Folder…, or picked from the model
families' list (name, size, download, licence, what it is good at; downloaded or converted)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from ...config import Field
from ...engine.family_status import profile_statuses
from .editors import FolderEditor

PICK = "Choose a model family…"
TOOLTIP = Qt.ItemDataRole.ToolTipRole


class ModelEditor(FolderEditor):
    """What `model` holds is the line edit's text; the list below only fills it in."""

    def __init__(self, field: Field, value: object) -> None:
        super().__init__(field, value)
        self.families = QComboBox()
        self.families.addItem(PICK, "")
        for status in profile_statuses():
            self.families.addItem(status.describe(), status.repo)
            self.families.setItemData(self.families.count() - 1, status.profile.good_at, TOOLTIP)
        self.families.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.families.setMinimumContentsLength(30)  # long descriptions must not widen the dialog
        self.families.activated.connect(self._picked)
        folder_row = self.row
        self.row = QWidget()
        column = QVBoxLayout(self.row)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(folder_row)
        column.addWidget(self.families)

    def _picked(self, index: int) -> None:
        repo = self.families.itemData(index)
        if repo:
            self.input.setText(repo)
