"""The app's one global hotkey: switch keys safely, relay presses, say why a key failed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from .base import Hotkey
from .keys import HotkeyError
from .registry import HotkeyUnavailable, start_hotkey


class HotkeyController(QObject):
    """Holds the grabbed hotkey; `apply()` changes it and keeps the previous one on failure."""

    activated = Signal()  # the hotkey was pressed: start a snip
    failed = Signal(str)  # one line for the status bar or the Settings dialog

    def __init__(self, starter: Callable[[str], Hotkey] = start_hotkey) -> None:
        super().__init__()
        self._start = starter
        self.hotkey: Hotkey | None = None
        self.sequence = ""
        self.unavailable = False  # the last failure was "no backend here": show the recipe

    def apply(self, sequence: str) -> str | None:
        """Grab `sequence` ("" releases); None on success, else the error (previous key kept)."""
        sequence = sequence.strip()
        if sequence == self.sequence and (self.hotkey is not None or not sequence):
            return None
        if not sequence:
            self.stop()
            return None
        self.unavailable = False
        try:
            hotkey = self._start(sequence)
        except HotkeyUnavailable as error:
            self.unavailable = True
            return self._failed(f"{error}. {error.recipe}")
        except HotkeyError as error:
            return self._failed(str(error))
        self.stop()
        self.hotkey, self.sequence = hotkey, sequence
        hotkey.activated.connect(self.activated)
        return None

    def stop(self) -> None:
        if self.hotkey is not None:
            self.hotkey.activated.disconnect(self.activated)
            self.hotkey.stop()
        self.hotkey, self.sequence = None, ""

    def backend_name(self) -> str:
        return self.hotkey.name if self.hotkey is not None else ""

    def _failed(self, message: str) -> str:
        self.failed.emit(message)
        return message


def probe_hotkey(sequence: str, starter: Callable[[str], Hotkey] = start_hotkey) -> str | None:
    """Grab and release `sequence` at once: None if it can be had here, else why not."""
    if not sequence.strip():
        return None
    try:
        starter(sequence.strip()).stop()
    except HotkeyUnavailable as error:
        return f"{error}. {error.recipe}"
    except HotkeyError as error:
        return str(error)
    return None
