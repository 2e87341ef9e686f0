"""Region geometry: the logical → physical crop mapping at any devicePixelRatio."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from desktop_ocr.capture.geometry import Rect, ScreenGrab


def grab(x=0, y=0, width=100, height=80, ratio=1.0):
    image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_RGB32)
    return ScreenGrab("S", Rect(x, y, width, height), ratio, image)


def test_from_points_in_any_order():
    assert Rect.from_points(30, 40, 10, 5) == Rect(10, 5, 20, 35)
    assert Rect.from_points(1.7, 2.2, 4.9, 2.9) == Rect(1, 2, 3, 0)


@pytest.mark.parametrize(
    ("screen", "selection", "expected"),
    [
        (grab(), Rect(10, 20, 30, 5), Rect(10, 20, 30, 5)),
        (grab(ratio=2.0), Rect(10, 20, 30, 5), Rect(20, 40, 60, 10)),
        (grab(x=1920, ratio=2.0), Rect(1930, 20, 30, 5), Rect(20, 40, 60, 10)),
        (grab(ratio=1.5), Rect(10, 20, 31, 5), Rect(15, 30, 47, 8)),  # 61.5 → 62, as qRound
        (grab(ratio=1.5), Rect(11, 20, 31, 5), Rect(17, 30, 46, 8)),  # 16.5 → 17, 63 → 63
        (grab(), Rect(-10, -10, 30, 30), Rect(0, 0, 20, 20)),  # clipped to the screen
        (grab(width=100), Rect(90, 0, 50, 10), Rect(90, 0, 10, 10)),
    ],
)
def test_physical_rect(screen, selection, expected):
    assert screen.physical_rect(selection) == expected


def test_intersection_and_emptiness():
    assert Rect(0, 0, 10, 10).intersected(Rect(20, 20, 5, 5)).is_empty
    assert not Rect(0, 0, 1, 1).is_empty
