"""The hotkey backends in order of preference per session, and starting the first that works."""

from __future__ import annotations

import os
import sys

from .base import Failure, Hotkey
from .keys import HotkeyError, parse_combo
from .macos import MacHotkey
from .portal import PortalHotkey
from .windows import WindowsHotkey
from .x11 import X11Hotkey

BACKENDS: dict[str, type[Hotkey]] = {
    backend.name: backend for backend in (X11Hotkey, PortalHotkey, WindowsHotkey, MacHotkey)
}
DESKTOP_SHORTCUT_RECIPE = (
    "Bind `desktop-ocr --snip` to a shortcut in your desktop's keyboard settings "
    "(GNOME: Settings → Keyboard → Custom Shortcuts; KDE: System Settings → Shortcuts → "
    "Add Command); the running app takes the snip with its model warm."
)


class HotkeyUnavailable(HotkeyError):
    """No backend can grab a global key in this session; `recipe` says what to do instead."""

    recipe = DESKTOP_SHORTCUT_RECIPE


class HotkeyTaken(HotkeyError):
    """Another application (or the desktop) holds the key."""


def backend_order(platform: str, wayland: bool) -> list[str]:
    """Backend names to try, most preferred first."""
    if platform == "win32":
        return ["windows"]
    if platform == "darwin":
        return ["macos"]
    # Under XWayland an X grab sees keys only while an X11 window has focus.
    return ["portal", "x11"] if wayland else ["x11", "portal"]


def is_wayland_session() -> bool:
    return bool(os.environ.get("WAYLAND_DISPLAY")) or os.environ.get("XDG_SESSION_TYPE") == "wayland"


def start_hotkey(sequence: str, forced: str | None = None) -> Hotkey:
    """The first backend that grabs `sequence` here, started.

    HotkeyError for bad text, HotkeyTaken when the key is held, HotkeyUnavailable when no
    backend works in this session (show DESKTOP_SHORTCUT_RECIPE).
    """
    parse_combo(sequence)  # bad text fails before any backend is tried
    names = [forced] if forced else backend_order(sys.platform, is_wayland_session())
    reasons = []
    for name in names:
        backend = BACKENDS.get(name)
        if backend is None:
            raise HotkeyError(f"unknown hotkey backend {name!r}; choose from {', '.join(BACKENDS)}")
        if not forced and not backend.is_available():
            continue
        hotkey = backend(sequence)
        if hotkey.start():
            return hotkey
        hotkey.stop()
        if hotkey.failure == Failure.TAKEN:
            raise HotkeyTaken(f"{sequence}: {hotkey.error}")
        reasons.append(f"{name}: {hotkey.error}")
    tried = "; ".join(reasons) if reasons else "no global-hotkey method works here"
    raise HotkeyUnavailable(f"{sequence}: {tried}")
