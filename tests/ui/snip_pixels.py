"""Pixel-exactness check of the snip, run as its own process (so Qt's scaling can be set).

Shows a seeded noise pattern drawn at physical resolution on each screen, grabs the screens
with a handler, makes a selection through the real overlay widget with mouse events, and
compares the crop with the pattern, pixel for pixel. Prints one JSON line of results.

    python tests/ui/snip_pixels.py HANDLER
"""

from __future__ import annotations

import json
import sys

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop_ocr.capture.registry import grab_screens
from desktop_ocr.ui.snip.overlay import SnipSession

PATTERN = (240, 160)  # logical size of each pattern window
OFFSET = (60, 50)  # where it sits on its screen, logical


class PatternWindow(QWidget):
    """Noise drawn 1:1 onto physical pixels."""

    def __init__(self, ratio: float, seed: int) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        width, height = round(PATTERN[0] * ratio), round(PATTERN[1] * ratio)
        self.pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
        rgba = np.dstack([self.pixels, np.full((height, width), 255, np.uint8)])
        self.image = QImage(rgba.tobytes(), width, height, width * 4, QImage.Format.Format_RGBA8888).copy()
        self.image.setDevicePixelRatio(ratio)
        self.setFixedSize(*PATTERN)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self.image)


def qimage_rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * height).reshape(height, stride)
    return data[:, : width * 3].reshape(height, width, 3).copy()


def main(handler: str) -> int:
    app = QApplication(sys.argv[:1])
    windows = []
    for index, screen in enumerate(QGuiApplication.screens()):
        window = PatternWindow(screen.devicePixelRatio(), seed=index)
        window.setScreen(screen)
        origin = screen.geometry().topLeft()
        window.move(origin.x() + OFFSET[0], origin.y() + OFFSET[1])
        window.show()
        windows.append((screen, window))
    for _ in range(50):
        app.processEvents()
    QTest.qWait(300)
    results = []
    grabs = grab_screens(handler)
    for (screen, window), grab in zip(windows, grabs, strict=True):
        session = SnipSession([grab])
        images: list[QImage] = []
        session.finished.connect(images.append)
        session.show()
        QTest.qWait(100)
        overlay = session.overlays[0]
        # Select logical (OFFSET + (37, 21)) to (OFFSET + (181, 95)) of this screen.
        start = QPoint(OFFSET[0] + 37, OFFSET[1] + 21)
        end = QPoint(OFFSET[0] + 181, OFFSET[1] + 95)
        QTest.mousePress(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        QTest.mouseMove(overlay, end)
        QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
        QTest.qWait(50)
        ratio = screen.devicePixelRatio()
        crop = qimage_rgb(images[0])
        top, left = round(21 * ratio), round(37 * ratio)
        expected = window.pixels[top : top + crop.shape[0], left : left + crop.shape[1]]
        results.append(
            {
                "screen": screen.name(),
                "ratio": ratio,
                "geometry": [
                    screen.geometry().x(),
                    screen.geometry().y(),
                    screen.geometry().width(),
                    screen.geometry().height(),
                ],
                "crop_size": [crop.shape[1], crop.shape[0]],
                "expected_size": [round(144 * ratio), round(74 * ratio)],
                "exact": bool(crop.shape == expected.shape and np.array_equal(crop, expected)),
            }
        )
    print(json.dumps(results))
    return 0 if all(r["exact"] and r["crop_size"] == r["expected_size"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
