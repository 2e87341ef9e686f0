"""What every global-hotkey backend offers: start, stop, `activated`, and why it failed."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from PySide6.QtCore import QObject, Signal

from .keys import KeyCombo, parse_combo


class Failure(str, Enum):
    """Why a backend could not grab the key."""

    NONE = ""
    UNSUPPORTED = "unsupported"  # this desktop offers no way for this backend: try the next one
    TAKEN = "taken"  # another application holds the key, or the desktop refused it
    ERROR = "error"  # anything else (no display, a library missing)


class Hotkey(QObject):
    """One global key combination; `activated` fires on the GUI thread at each press."""

    activated = Signal()
    name: ClassVar[str] = ""

    def __init__(self, sequence: str) -> None:
        super().__init__()
        self.sequence = sequence
        self.combo: KeyCombo = parse_combo(sequence)  # HotkeyError on bad text
        self.error = ""
        self.failure = Failure.NONE

    @staticmethod
    def is_available() -> bool:
        """Whether this backend can work in this session at all (platform, display server)."""
        return False

    def start(self) -> bool:
        """Grab the key; False with `error` and `failure` set when that did not work."""
        raise NotImplementedError

    def stop(self) -> None:
        """Release the key (safe to call twice, or after a failed start)."""

    def fail(self, failure: Failure, error: str) -> bool:
        self.failure = failure
        self.error = error
        return False
