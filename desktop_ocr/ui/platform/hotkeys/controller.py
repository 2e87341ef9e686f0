"""The app's one global hotkey: switch keys safely, relay presses, say why a key failed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from .base import Hotkey
from .keys import HotkeyError
from .registry import HotkeyUnavailable, start_hotkey

log = logging.getLogger(__name__)


class HotkeyController(QObject):
    """Holds the grabbed hotkey; `apply()` changes it and keeps the previous one on failure."""

    activated = Signal()  # the hotkey was pressed: start a snip
    failed = Signal(str)  # one line for the status bar or the Settings dialog
    # (key, why) while a wanted key is not held and none is: the global hotkey is off until the
    # user changes it, so this lasts (the window shows it until then); ("", "") once that ends.
    off = Signal(str, str)
    held = Signal(str)  # the key now held, working everywhere ("" once none is)

    def __init__(self, starter: Callable[[str], Hotkey] = start_hotkey) -> None:
        super().__init__()
        self._start = starter
        self.hotkey: Hotkey | None = None
        self.sequence = ""
        self.unavailable = False  # the last failure was "no backend here": show the recipe
        self.off_reason = ("", "")  # what `off` last said

    def apply(self, sequence: str) -> str | None:
        """Grab `sequence` ("" releases); None on success, else the error (previous key kept)."""
        sequence = sequence.strip()
        if not sequence:
            self.stop()
            self._say_off("", "")  # off because asked: nothing to warn about
            return None
        if sequence == self.sequence and self.hotkey is not None:
            return None
        self.unavailable = False
        try:
            hotkey = self._start(sequence)
        except HotkeyUnavailable as error:
            self.unavailable = True
            return self._failed(sequence, f"{error}. {error.recipe}")
        except HotkeyError as error:
            return self._failed(sequence, str(error))
        self.stop()
        self.hotkey, self.sequence = hotkey, sequence
        hotkey.activated.connect(self.activated)
        self.held.emit(sequence)
        self._say_off("", "")
        return None

    def stop(self) -> None:
        held, self.hotkey, self.sequence = self.hotkey, None, ""
        if held is not None:
            held.activated.disconnect(self.activated)
            held.stop()
            self.held.emit("")

    def backend_name(self) -> str:
        return self.hotkey.name if self.hotkey is not None else ""

    def _failed(self, sequence: str, message: str) -> str:
        # A warning, not a --verbose line: the user asked for this key and it does not work.
        if self.hotkey is None:
            log.warning("global hotkey %s is off: %s", sequence, message)
            self._say_off(sequence, message)
        else:
            log.warning("global hotkey %s not taken, %s kept: %s", sequence, self.sequence, message)
        self.failed.emit(message)
        return message

    def _say_off(self, sequence: str, message: str) -> None:
        if (sequence, message) != self.off_reason:
            self.off_reason = (sequence, message)
            self.off.emit(sequence, message)


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
