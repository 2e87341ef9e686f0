"""Draw a formula's SVG into a QImage that sits on the text baseline, sharp at the screen's DPR."""

from __future__ import annotations

import math

from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetricsF, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from ...render.math import MathSvg
from ...render.style import ALONE_SCALE

# MathJax's em is the text's font size; these match its x-height to sans-serif UI fonts,
# which run larger than Computer Modern's.
INLINE_SCALE = 1.15
DISPLAY_SCALE = 1.3


def baseline_padding(ascent: float, depth: float, text_middle: float) -> tuple[float, float]:
    """Top and bottom padding that puts the formula's baseline on the text baseline.

    Qt places an inline image with vertical-align: middle so that its centre lies
    `text_middle` (font height / 2 − descent) above the baseline; padding one side moves
    the centre until the formula's own baseline lands there.
    """
    excess = ascent - depth - 2 * text_middle
    return (0.0, excess) if excess > 0 else (-excess, 0.0)


def formula_image(
    formula: MathSvg,
    font: QFont,
    color: QColor,
    device_pixel_ratio: float,
    display: bool,
    alone: bool = False,
) -> QImage:
    """`alone`: the formula is the whole answer, drawn larger than a display formula among text."""
    metrics = QFontMetricsF(font)
    scale = (DISPLAY_SCALE * (ALONE_SCALE if alone else 1.0)) if display else INLINE_SCALE
    em = max(float(QFontInfo(font).pixelSize()), 8.0) * scale
    width = max(formula.width_em * em, 1.0)
    ascent, depth = formula.ascent_em * em, formula.depth_em * em
    top, bottom = (
        (0.0, 0.0) if display else baseline_padding(ascent, depth, metrics.height() / 2 - metrics.descent())
    )
    height = top + ascent + depth + bottom
    ratio = max(device_pixel_ratio, 1.0)
    image = QImage(
        math.ceil(width * ratio), max(math.ceil(height * ratio), 1), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.fill(0)
    svg = formula.svg.replace("currentColor", color.name())
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, top * ratio, width * ratio, (ascent + depth) * ratio))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image
