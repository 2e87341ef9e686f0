"""What the loaded model family allows, in the window: a specialist OCR model (PaddleOCR-VL,
GLM-OCR, LightOnOCR) answers its card's modes only, one question per image; the mode box and
the follow-up row say so instead of letting a question fail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from ...engine.families import ModelProfile
from ...engine.prompts import Mode
from .question_box import PRESET_PREFIX

FOLLOW_UP_IMAGE = "Ask a follow-up question about this image…"
FOLLOW_UP_DOCUMENT = "Follow-ups are about one image: snip the page to ask about it"
# Modes that never reach the model (codes are read beside it) stay whatever the model is.
MODEL_FREE = {Mode.CODES.value}


def limit_mode_box(box: QComboBox, profile: ModelProfile | None) -> None:
    """Disable the modes, presets and custom prompt the profile does not take (with the reason)."""
    model = box.model()
    assert isinstance(model, QStandardItemModel)
    for row in range(box.count()):
        data = box.itemData(row)
        item = model.item(row)
        if item is None or data is None:
            continue  # a separator
        allowed = profile is None or data in MODEL_FREE or _allows(profile, str(data))
        item.setEnabled(allowed)
        item.setData(None if allowed else profile.why_fixed if profile else None, Qt.ItemDataRole.ToolTipRole)
    current = box.currentIndex()
    if current >= 0 and model.item(current) is not None and not model.item(current).isEnabled():
        box.setCurrentIndex(max(box.findData(profile.modes[0] if profile and profile.modes else ""), 0))
    box.setToolTip(profile.why_fixed if profile is not None and profile.why_fixed else "")


def limit_follow_up(
    field: QLineEdit, button: QPushButton, profile: ModelProfile | None, *, document: bool = False
) -> None:
    """The follow-up row is off for a document, or a model answering one question per image."""
    if document:
        reason, tip = FOLLOW_UP_DOCUMENT, FOLLOW_UP_DOCUMENT
    elif profile is not None and not profile.allows_follow_ups:
        reason, tip = f"{profile.name} answers one question per image", profile.why_fixed
    else:
        reason, tip = "", ""
    field.setEnabled(not reason)
    button.setEnabled(not reason)
    field.setPlaceholderText(reason or FOLLOW_UP_IMAGE)
    field.setToolTip(tip)


def _allows(profile: ModelProfile, data: str) -> bool:
    if data == "custom":
        return profile.allows_free_prompt
    if data.startswith(PRESET_PREFIX):
        return profile.allows_presets
    return data in profile.modes or profile.allows_free_prompt
