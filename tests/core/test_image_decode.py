"""The view's image: the same pixels as the plain conversion, capped in size (how long it holds the
GIL is a ratio measured by bench/gil_release.py, not a wall-clock bound here)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from desktop_ocr.core.image_decode import rgb32, view_image
from desktop_ocr.core.records import to_qimage
from tests.conftest import noise_image


@pytest.mark.parametrize("size", [(5, 3), (333, 101), (64, 64)])
def test_rgb32_has_the_pixels_of_the_plain_conversion(size):
    image = noise_image(*size)
    made = rgb32(image)
    assert made.format() == QImage.Format.Format_RGB32
    assert made == to_qimage(image).convertToFormat(QImage.Format.Format_RGB32)
    grey = image.convert("L")
    assert rgb32(grey) == to_qimage(grey).convertToFormat(QImage.Format.Format_RGB32)


def test_view_image_caps_the_long_side():
    assert view_image(noise_image(400, 100), side=200).size().toTuple() == (200, 50)
    assert view_image(noise_image(40, 10), side=200).size().toTuple() == (40, 10)
