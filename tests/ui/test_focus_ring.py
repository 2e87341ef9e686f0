"""The keyboard focus ring stands out from a dark window as well as from a light one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
    QStyleOptionFocusRect,
    QStyleOptionFrame,
)

from desktop_ocr.ui.window.focus_ring import RING_CONTRAST, FocusRingStyle, contrast

# Adwaita dark as Qt's GTK platform theme hands it over, and Fusion's own light palette.
ADWAITA_DARK = {
    "Window": "#323232",
    "Base": "#323232",
    "Button": "#323232",
    "Highlight": "#15539e",
    "Text": "#ffffff",
}
FUSION_LIGHT = {
    "Window": "#efefef",
    "Base": "#ffffff",
    "Button": "#efefef",
    "Highlight": "#308cc6",
    "Text": "#000000",
}


def palette(colours: dict[str, str]) -> QPalette:
    made = QPalette()
    for role, colour in colours.items():
        made.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    return made


def strongest_contrast(style: QStyle, element: QStyle.PrimitiveElement, colours: dict[str, str]) -> float:
    """Draw `element` with keyboard focus on the window's colour; the most visible pixel's contrast."""
    options = {
        QStyle.PrimitiveElement.PE_FrameFocusRect: QStyleOptionFocusRect,
        QStyle.PrimitiveElement.PE_PanelButtonCommand: QStyleOptionButton,
    }
    option = options.get(element, QStyleOptionFrame)()
    option.rect = QRect(0, 0, 160, 28)
    option.palette = palette(colours)
    option.state = (
        QStyle.StateFlag.State_Enabled
        | QStyle.StateFlag.State_HasFocus
        | QStyle.StateFlag.State_KeyboardFocusChange
    )
    window = QColor(colours["Window"])
    image = QImage(160, 28, QImage.Format.Format_RGB32)
    image.fill(window)
    painter = QPainter(image)
    style.drawPrimitive(element, option, painter, None)
    painter.end()
    return max(contrast(image.pixelColor(x, y), window) for x in range(160) for y in range(28))


ELEMENTS = [
    QStyle.PrimitiveElement.PE_FrameLineEdit,
    QStyle.PrimitiveElement.PE_FrameFocusRect,
    QStyle.PrimitiveElement.PE_PanelButtonCommand,
]


@pytest.mark.parametrize("element", ELEMENTS, ids=["line edit", "check box or row", "push button"])
@pytest.mark.parametrize("colours", [ADWAITA_DARK, FUSION_LIGHT], ids=["dark", "light"])
def test_the_focus_ring_has_three_to_one_contrast_with_the_window(qapp, element, colours):
    assert strongest_contrast(FocusRingStyle("fusion"), element, colours) >= RING_CONTRAST


def test_fusion_alone_fades_into_a_dark_window(qapp):
    """Why the style exists: plain Fusion's focus on Adwaita dark is under the 3:1 a ring needs."""
    fusion = QStyleFactory.create("fusion")
    for element in ELEMENTS:
        assert strongest_contrast(fusion, element, ADWAITA_DARK) < RING_CONTRAST


def test_a_line_edit_without_focus_gets_no_ring(qapp):
    option = QStyleOptionFrame()
    option.rect = QRect(0, 0, 160, 28)
    option.palette = palette(ADWAITA_DARK)
    option.state = QStyle.StateFlag.State_Enabled
    styled, plain = QImage(160, 28, QImage.Format.Format_RGB32), QImage(160, 28, QImage.Format.Format_RGB32)
    for image, style in ((styled, FocusRingStyle("fusion")), (plain, QStyleFactory.create("fusion"))):
        image.fill(QColor(ADWAITA_DARK["Window"]))
        painter = QPainter(image)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameLineEdit, option, painter, None)
        painter.end()
    assert styled == plain


def test_a_button_clicked_with_the_mouse_gets_no_ring(qapp):
    """A ring on buttons only after the keyboard moved the focus, as Fusion and GTK do."""
    option = QStyleOptionButton()
    option.rect = QRect(0, 0, 160, 28)
    option.palette = palette(ADWAITA_DARK)
    option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_HasFocus
    images = []
    for style in (FocusRingStyle("fusion"), QStyleFactory.create("fusion")):
        image = QImage(160, 28, QImage.Format.Format_RGB32)
        image.fill(QColor(ADWAITA_DARK["Window"]))
        painter = QPainter(image)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelButtonCommand, option, painter, None)
        painter.end()
        images.append(image)
    assert images[0] == images[1]
