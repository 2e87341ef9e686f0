"""The window's side of a snip: hide, snip, then name the region and hand it in (or say why not)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from ...core.failures import Wording
from ...core.incoming import Incoming, SourceKind
from ...engine.presets import Preset
from .flow import SnipFlow


class WindowSnips(QObject):
    """One snip at a time through `flow`; `ended(taken)` once it is over either way.

    `add` hands the region in (returns the new record ids); `stay_hidden` is True when a snip
    from the tray may stay there (a notification will say when the text is ready).
    """

    ended = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        flow: SnipFlow,
        add: Callable[[Sequence[Incoming], Preset | None], list[int]],
        bring_to_front: Callable[[], None],
        stay_hidden: Callable[[], bool],
        say: Callable[[Wording], None],
        log: Callable[[str], None],
        private_ids: set[int],
    ) -> None:
        super().__init__(window)
        self.window, self.flow = window, flow
        self.add, self.bring_to_front, self.stay_hidden, self.say, self.log = (
            add, bring_to_front, stay_hidden, say, log
        )  # fmt: skip
        self.restore_after = False  # the window was shown when the snip began
        self.private = False  # this snip's answer is never recorded
        self.private_ids = private_ids  # records never written to the history (history_sync's)
        self.count = 0
        flow.taken.connect(self._on_taken)
        flow.cancelled.connect(self._on_cancelled)
        flow.failed.connect(self._on_failed)

    def start(self, private: bool = False) -> None:
        """Hide the window, grab every screen, and show the freeze-frame overlays."""
        if self.flow.active:
            return
        self.private = private
        self.restore_after = self.window.isVisible()
        self.window.hide()
        self.flow.start()

    def _on_taken(self, image: QImage, preset: Preset | None = None) -> None:
        self.log(f"snip: {image.width()}×{image.height()} px" + (f", preset {preset.name}" if preset else ""))
        # Snipped from the tray (the hotkey with the window hidden): stay there, the notification
        # says when the text is ready. Without a tray or notifications, show the window.
        if self.restore_after or not self.stay_hidden():
            self.bring_to_front()
        self.count += 1
        private, self.private = self.private, False
        name = f"private snip {self.count}" if private else f"snip {self.count}"
        added = self.add([Incoming(name, SourceKind.SNIP, image)], preset)
        if private:
            self.private_ids.update(added)
        self.ended.emit(True)

    def _on_cancelled(self) -> None:
        self.private = False
        self.log("snip: cancelled")
        if self.restore_after:
            self.bring_to_front()
        self.ended.emit(False)

    def _on_failed(self, message: str) -> None:
        self.private = False
        self.bring_to_front()
        self.say(
            Wording("Cannot capture the screen", message, "Open an image file or paste one instead.", False)
        )
        self.ended.emit(False)
