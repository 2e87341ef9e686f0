"""Snipping: hide the window, grab every screen, show the overlays, hand back the region."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from ...capture.registry import CaptureError, grab_screens
from ...engine.presets import Preset
from .overlay import SnipSession

SNIP_GRAB_DELAY_MS = 250


class SnipFlow(QObject):
    """One snip at a time. `taken` carries the region and the preset picked by keys 1–9 (or None);
    `failed` a capture error's message."""

    taken = Signal(QImage, object)  # region, Preset | None
    cancelled = Signal()
    failed = Signal(str)

    def __init__(
        self,
        handler: Callable[[], str | None],
        parent: QObject | None = None,
        presets: Callable[[], Sequence[Preset]] = lambda: (),
        mode_label: Callable[[], str] = lambda: "",
        wait_for_key: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(parent)
        self.handler = handler  # the capture handler setting, read at each snip
        self.presets = presets  # the saved presets and the current mode's name, read at each snip
        self.mode_label = mode_label
        self.wait_for_key = wait_for_key  # Settings.snip_wait_for_key, read at each snip
        self.overlays: SnipSession | None = None
        self.active = False

    def start(self) -> bool:
        """Begin a snip (the caller has hidden its window); False when one is under way."""
        if self.active:
            return False
        self.active = True
        # Let the window manager unmap the window before the screens are grabbed.
        QTimer.singleShot(SNIP_GRAB_DELAY_MS, self._grab)
        return True

    def _grab(self) -> None:
        try:
            grabs = grab_screens(self.handler())
        except CaptureError as error:
            self.active = False
            self.failed.emit(str(error))
            return
        self.overlays = SnipSession(
            grabs, self.presets(), mode_label=self.mode_label(), wait_for_key=self.wait_for_key()
        )
        self.overlays.finished_with_preset.connect(self._taken)
        self.overlays.cancelled.connect(self._cancelled)
        self.overlays.show()

    def _taken(self, image: QImage, preset: Preset | None) -> None:
        self.overlays, self.active = None, False
        self.taken.emit(image, preset)

    def _cancelled(self) -> None:
        self.overlays, self.active = None, False
        self.cancelled.emit()
