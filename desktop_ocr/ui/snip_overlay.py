"""Freeze-frame snip overlay: one frameless full-screen window per screen, showing its grab.

Translucent windows paint black without a compositor, and Wayland allows nothing else, so
every screen is grabbed first and the grab is the overlay's background.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from ..capture.geometry import Rect, ScreenGrab, crop

DIM = QColor(0, 0, 0, 110)
BORDER = QColor(61, 174, 233)


class ScreenOverlay(QWidget):
    """Shows one screen's grab; a drag selects a region of it."""

    selected = Signal(object, object)  # ScreenGrab, Rect (logical, desktop coordinates)
    cancelled = Signal()

    def __init__(self, grab: ScreenGrab) -> None:
        super().__init__(
            None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
        )
        self.screen_grab = grab
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMouseTracking(True)
        self._pixmap = QPixmap.fromImage(grab.image)
        self._pixmap.setDevicePixelRatio(grab.device_pixel_ratio)
        self._start: QPointF | None = None
        self._end: QPointF | None = None
        g = grab.geometry
        self.setGeometry(g.x, g.y, g.width, g.height)

    def selection(self) -> Rect | None:
        """The dragged rectangle in desktop logical coordinates."""
        if self._start is None or self._end is None:
            return None
        origin = self.screen_grab.geometry
        return Rect.from_points(
            self._start.x() + origin.x,
            self._start.y() + origin.y,
            self._end.x() + origin.x,
            self._end.y() + origin.y,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._pixmap)
        rect = self._local_selection()
        if rect is None or rect.isEmpty():
            painter.fillRect(self.rect(), DIM)
            return
        outside = [
            QRectF(0, 0, self.width(), rect.top()),
            QRectF(0, rect.bottom(), self.width(), self.height() - rect.bottom()),
            QRectF(0, rect.top(), rect.left(), rect.height()),
            QRectF(rect.right(), rect.top(), self.width() - rect.right(), rect.height()),
        ]
        for part in outside:
            painter.fillRect(part, DIM)
        painter.setPen(QPen(BORDER, 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        selection = self.selection()
        if selection is not None:
            physical = self.screen_grab.physical_rect(selection)
            label = f"{physical.width} × {physical.height}"
            metrics = painter.fontMetrics()
            box = QRectF(
                rect.left(),
                max(rect.top() - metrics.height() - 6, 0),
                metrics.horizontalAdvance(label) + 10,
                metrics.height() + 4,
            )
            painter.fillRect(box, QColor(0, 0, 0, 180))
            painter.setPen(QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def _local_selection(self) -> QRectF | None:
        if self._start is None or self._end is None:
            return None
        return QRectF(self._start, self._end).normalized()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.cancelled.emit()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = self._end = event.position()
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._end = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._start is None:
            return
        self._end = event.position()
        selection = self.selection()
        if selection is None or selection.is_empty:
            self._start = self._end = None  # a click, not a drag: keep waiting
            self.update()
            return
        self.selected.emit(self.screen_grab, selection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()


class SnipSession(QObject):
    """The overlays of one snip: ends with `finished(QImage)` or `cancelled()`."""

    finished = Signal(object)  # QImage of the selected pixels
    cancelled = Signal()

    def __init__(self, grabs: list[ScreenGrab]) -> None:
        super().__init__()
        self.overlays: list[ScreenOverlay] = []
        screens = {screen.name(): screen for screen in QGuiApplication.screens()}
        for grab in grabs:
            overlay = ScreenOverlay(grab)
            overlay.selected.connect(self._on_selected)
            overlay.cancelled.connect(self._on_cancelled)
            screen = screens.get(grab.name)
            if screen is not None:
                overlay.setScreen(screen)
            self.overlays.append(overlay)
        self._done = False

    def show(self) -> None:
        for overlay in self.overlays:
            g = overlay.screen_grab.geometry
            overlay.setGeometry(g.x, g.y, g.width, g.height)
            overlay.showFullScreen()
            overlay.raise_()
            overlay.activateWindow()

    def _close(self) -> None:
        for overlay in self.overlays:
            overlay.close()
            overlay.deleteLater()  # Qt deletes it; no Python-side delete of a live window
        self.overlays = []

    def _on_selected(self, grab: ScreenGrab, selection: Rect) -> None:
        if self._done:
            return
        self._done = True
        image = crop(grab, selection)
        self._close()
        self.finished.emit(image)

    def _on_cancelled(self) -> None:
        if self._done:
            return
        self._done = True
        self._close()
        self.cancelled.emit()
