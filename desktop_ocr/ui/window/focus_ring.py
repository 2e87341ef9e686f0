"""A keyboard focus ring that can be seen on any palette, light or dark.

Fusion (Qt's style on GNOME and most Linux desktops) draws focus in the palette's highlight,
darkened, or at 30 % opacity for buttons and list rows. With GTK's dark palette (Adwaita dark:
highlight #15539e on #323232) that ring has about 1.2:1 contrast against the window, and a
person moving through the window with Tab cannot see where they are. This style draws the
ring Fusion draws, then a 2 px ring over it in the highlight colour brightened or darkened
until it has 3:1 contrast with the window and the field, what WCAG asks of a focus indicator.
Other styles (Breeze, Windows, macOS) draw focus their own visible way and are left alone.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionComplex, QWidget

RING_CONTRAST = 3.0  # WCAG 2.2, non-text contrast (1.4.11) and focus appearance
RING_TARGET = 3.3  # aimed a little over, so that 8-bit rounding and antialiasing stay above it
RING_WIDTH = 2.0
# Fusion's drawn shapes that show keyboard focus (edits, combo and spin boxes, buttons, rows).
FOCUS_PRIMITIVES = (
    QStyle.PrimitiveElement.PE_FrameLineEdit,
    QStyle.PrimitiveElement.PE_FrameFocusRect,  # check boxes, tabs, list rows
    QStyle.PrimitiveElement.PE_PanelButtonCommand,  # push buttons: Fusion only darkens their edge
)
# Shown once the keyboard moved the focus, as Fusion and GTK do for buttons and rows; a text
# field shows it always (the caret is there).
AFTER_KEYBOARD = (QStyle.PrimitiveElement.PE_FrameFocusRect, QStyle.PrimitiveElement.PE_PanelButtonCommand)
FOCUS_CONTROLS = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)


def luminance(colour: QColor) -> float:
    """Relative luminance as WCAG defines it (sRGB, linearised)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast(one: QColor, other: QColor) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ring_colour(palette: QPalette) -> QColor:
    """The highlight, moved towards white on a dark palette (black on a light one) until it
    stands out by RING_TARGET from both the window and the field it rings; its hue is kept as
    far as it can be."""
    grounds = [palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)]
    base = palette.color(QPalette.ColorRole.Highlight)
    dark = luminance(grounds[0]) < 0.18
    towards = QColor(Qt.GlobalColor.white) if dark else QColor(Qt.GlobalColor.black)
    colour = QColor(base)
    for step in range(1, 21):
        if min(contrast(colour, ground) for ground in grounds) >= RING_TARGET:
            break
        share = step / 20
        colour = QColor.fromRgbF(
            base.redF() + (towards.redF() - base.redF()) * share,
            base.greenF() + (towards.greenF() - base.greenF()) * share,
            base.blueF() + (towards.blueF() - base.blueF()) * share,
        )
    return colour


class FocusRingStyle(QProxyStyle):
    """Fusion, with a focus ring of RING_CONTRAST against the window."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in FOCUS_PRIMITIVES:
            return
        state = option.state
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            focused = True  # drawn only for the widget or row with the focus
        else:
            focused = bool(state & QStyle.StateFlag.State_HasFocus)
        if element in AFTER_KEYBOARD and not state & QStyle.StateFlag.State_KeyboardFocusChange:
            focused = False
        if focused:
            self._ring(option, painter)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in FOCUS_CONTROLS and option.state & QStyle.StateFlag.State_HasFocus:
            self._ring(option, painter)

    @staticmethod
    def _ring(option: QStyleOption, painter: QPainter) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(ring_colour(option.palette), RING_WIDTH)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset), 2.5, 2.5)
        painter.restore()


def install_focus_ring(app: QApplication) -> None:
    """Wrap the application's style where it is Fusion (the style whose focus fades on dark)."""
    if app.style().name().lower() == "fusion" and not isinstance(app.style(), FocusRingStyle):
        app.setStyle(FocusRingStyle("fusion"))
