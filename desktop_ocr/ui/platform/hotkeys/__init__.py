"""The global snip hotkey: one interface (Hotkey), a backend per platform, chosen by registry."""

from .base import Failure, Hotkey
from .controller import HotkeyController, probe_hotkey
from .keys import HotkeyError, KeyCombo, parse_combo
from .registry import (
    BACKENDS,
    DESKTOP_SHORTCUT_RECIPE,
    HotkeyTaken,
    HotkeyUnavailable,
    backend_order,
    start_hotkey,
)

__all__ = [
    "BACKENDS",
    "DESKTOP_SHORTCUT_RECIPE",
    "Failure",
    "Hotkey",
    "HotkeyController",
    "HotkeyError",
    "HotkeyTaken",
    "HotkeyUnavailable",
    "KeyCombo",
    "backend_order",
    "parse_combo",
    "probe_hotkey",
    "start_hotkey",
]
