"""Small value types for screen regions, and the logical → physical crop mapping."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtGui import QImage


@dataclass(frozen=True)
class Rect:
    """A rectangle in whole pixels (logical or physical, as the name of the variable says)."""

    x: int
    y: int
    width: int
    height: int

    @classmethod
    def from_points(cls, ax: float, ay: float, bx: float, by: float) -> Rect:
        """The rectangle spanned by two corners in any order (a drag's start and end)."""
        left, top = math.floor(min(ax, bx)), math.floor(min(ay, by))
        right, bottom = math.floor(max(ax, bx)), math.floor(max(ay, by))
        return cls(left, top, right - left, bottom - top)

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def is_empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def intersected(self, other: Rect) -> Rect:
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(left, top, max(right - left, 0), max(bottom - top, 0))

    def translated(self, dx: int, dy: int) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)


@dataclass(frozen=True)
class ScreenGrab:
    """One screen's picture in physical pixels, with where the screen sits in logical pixels."""

    name: str
    geometry: Rect  # logical, in the desktop's coordinates
    device_pixel_ratio: float
    image: QImage  # physical pixels

    def physical_rect(self, selection: Rect) -> Rect:
        """(logical − screen origin) × devicePixelRatio, clipped to the grab."""
        local = selection.intersected(self.geometry).translated(-self.geometry.x, -self.geometry.y)
        ratio = self.device_pixel_ratio
        left, top = _qround(local.x * ratio), _qround(local.y * ratio)
        right, bottom = _qround(local.right * ratio), _qround(local.bottom * ratio)
        bounds = Rect(0, 0, self.image.width(), self.image.height())
        return Rect(left, top, right - left, bottom - top).intersected(bounds)


def _qround(value: float) -> int:
    """Round half away from zero, as Qt's qRound does (Python's round() goes to even)."""
    return math.floor(value + 0.5)


def crop(grab: ScreenGrab, selection: Rect) -> QImage:
    """The selected part of a grab, pixel for pixel as it was on screen."""
    rect = grab.physical_rect(selection)
    image = grab.image.copy(rect.x, rect.y, rect.width, rect.height)
    image.setDevicePixelRatio(1.0)
    return image
