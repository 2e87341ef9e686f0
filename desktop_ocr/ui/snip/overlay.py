"""Freeze-frame snip overlay: one frameless full-screen window per screen, showing its grab.

Translucent windows paint black without a compositor, and Wayland allows nothing else, so
every screen is grabbed first and the grab is the overlay's background.

Keys 1–9 pick a prompt preset before or during the drag (0, or the same key again, goes back
to the current mode); the banner at the top shows the choice on every screen. By default the
snip ends on release, as in other snip tools; with `wait_for_key` (Settings: "after the drag,
wait for a preset key") the selection stays after release: 1–9 take it with that preset,
0 or Enter with the current choice, a new drag replaces it, Esc cancels. C picks the Codes
mode as a key picks a preset: the region's QR codes and barcodes only, no model asked.
"""

from __future__ import annotations

from collections.abc import Sequence

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

from ...capture.geometry import Rect, ScreenGrab, crop
from ...engine.presets import OVERLAY_KEYS, Preset, for_key
from ...engine.prompts import Mode

# Key C's choice, handed on as a preset is: its name is the Codes mode, it has no prompt.
CODES_CHOICE = Preset(Mode.CODES.value, "")
DIM = QColor(0, 0, 0, 110)
BORDER = QColor(61, 174, 233)


class ScreenOverlay(QWidget):
    """Shows one screen's grab; a drag selects a region of it."""

    selected = Signal(object, object)  # ScreenGrab, Rect (logical, desktop coordinates)
    cancelled = Signal()
    digit_pressed = Signal(int)  # 0–9: a preset key
    codes_pressed = Signal()  # C: the Codes mode
    confirmed = Signal()  # Enter: take the selection made (wait mode)

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
        self.banner = ""  # the preset hint or choice, drawn at the top
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

    def clear_selection(self) -> None:
        self._start = self._end = None
        self.update()

    def set_banner(self, text: str) -> None:
        self.banner = text
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._pixmap)
        rect = self._local_selection()
        if rect is None or rect.isEmpty():
            painter.fillRect(self.rect(), DIM)
            self._paint_banner(painter)
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
        self._paint_banner(painter)

    def _paint_banner(self, painter: QPainter) -> None:
        if not self.banner:
            return
        metrics = painter.fontMetrics()
        width = min(metrics.horizontalAdvance(self.banner) + 20, self.width())
        box = QRectF((self.width() - width) / 2, 8, width, metrics.height() + 8)
        painter.fillRect(box, QColor(0, 0, 0, 200))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.banner)

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
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirmed.emit()
        elif Qt.Key.Key_0.value <= event.key() <= Qt.Key.Key_9.value:
            self.digit_pressed.emit(event.key() - Qt.Key.Key_0.value)
        elif event.key() == Qt.Key.Key_C:
            self.codes_pressed.emit()


def banner_text(presets: Sequence[Preset], chosen: Preset | None, mode_label: str) -> str:
    """The overlay's top line: the choice, or which keys pick which preset."""
    back = f"0: {mode_label}" if mode_label else "0: back"
    if chosen == CODES_CHOICE:
        return f"C: Codes (QR codes and barcodes only)   ({back})"
    if chosen is not None:
        number = list(presets).index(chosen) + 1
        return f"Preset {number}: {chosen.name}   ({back})"
    keys = [f"{n} {p.name}" for n, p in enumerate(presets[:OVERLAY_KEYS], 1)]
    return "  ·  ".join(keys)


class SnipSession(QObject):
    """The overlays of one snip: ends with `finished(QImage)` or `cancelled()`.

    `finished_with_preset(QImage, Preset | None)` comes just before `finished` with the preset
    picked by keys 1–9 (None: the current mode); `preset` holds the same.
    """

    finished = Signal(object)  # QImage of the selected pixels
    finished_with_preset = Signal(object, object)  # QImage, Preset | None
    preset_changed = Signal(object)  # Preset | None
    cancelled = Signal()

    def __init__(
        self,
        grabs: list[ScreenGrab],
        presets: Sequence[Preset] = (),
        mode_label: str = "",
        wait_for_key: bool = False,
    ) -> None:
        super().__init__()
        self.presets = list(presets)
        self.mode_label = mode_label
        self.wait_for_key = wait_for_key
        self.preset: Preset | None = None
        self.pending: tuple[ScreenGrab, Rect] | None = None  # wait mode: the selection made
        self.overlays: list[ScreenOverlay] = []
        screens = {screen.name(): screen for screen in QGuiApplication.screens()}
        for grab in grabs:
            overlay = ScreenOverlay(grab)
            overlay.selected.connect(self._on_selected)
            overlay.cancelled.connect(self._on_cancelled)
            overlay.digit_pressed.connect(self.choose_key)
            overlay.codes_pressed.connect(self.choose_codes)
            overlay.confirmed.connect(self.confirm)
            screen = screens.get(grab.name)
            if screen is not None:
                overlay.setScreen(screen)
            self.overlays.append(overlay)
        self._done = False
        self._show_banner()

    def choose_key(self, digit: int) -> None:
        """Key `digit`: that preset, or back to the mode with 0 or the chosen key again.

        After a drag in wait mode the key also takes the selection: 1–9 with that preset, 0
        with the current choice."""
        if self._done:
            return
        if self.pending is not None:
            candidate = for_key(self.presets, digit) if digit else self.preset
            if digit and candidate is None:
                return  # no preset on that key
            self.preset = candidate
            self.confirm()
            return
        if digit == 0:
            picked = None
        else:
            candidate = for_key(self.presets, digit)
            if candidate is None:
                return  # no preset on that key
            picked = None if candidate == self.preset else candidate
        if picked != self.preset:
            self.preset = picked
            self.preset_changed.emit(picked)
            self._show_banner()

    def choose_codes(self) -> None:
        """Key C: the Codes mode (again: back to the current mode); after a drag in wait mode,
        take the selection with it."""
        if self._done:
            return
        if self.pending is not None:
            self.preset = CODES_CHOICE
            self.confirm()
            return
        self.preset = None if self.preset == CODES_CHOICE else CODES_CHOICE
        self.preset_changed.emit(self.preset)
        self._show_banner()

    def confirm(self) -> None:
        """Take the selection made (wait mode); nothing before a drag."""
        if self.pending is not None and not self._done:
            self._finish(*self.pending)

    def banner(self) -> str:
        if self.pending is not None:
            keys = "1–9 preset · " if self.presets else ""
            choice = self.preset.name if self.preset else (self.mode_label or "the current mode")
            return f"{keys}Enter: {choice} · drag again to change · Esc cancel"
        shown = self.presets or self.preset == CODES_CHOICE
        return banner_text(self.presets, self.preset, self.mode_label) if shown else ""

    def _show_banner(self) -> None:
        text = self.banner()
        for overlay in self.overlays:
            overlay.set_banner(text)

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
        if self.wait_for_key:
            self.pending = (grab, selection)
            for overlay in self.overlays:
                if overlay.screen_grab is not grab:
                    overlay.clear_selection()  # a drag on another screen replaces this one
            self._show_banner()
            return
        self._finish(grab, selection)

    def _finish(self, grab: ScreenGrab, selection: Rect) -> None:
        self._done = True
        image = crop(grab, selection)
        self._close()
        self.finished_with_preset.emit(image, self.preset)
        self.finished.emit(image)

    def _on_cancelled(self) -> None:
        if self._done:
            return
        self._done = True
        self._close()
        self.cancelled.emit()
