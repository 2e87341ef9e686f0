"""The handlers in order of preference, per platform, and choosing one."""

from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication

from .geometry import ScreenGrab
from .handlers import CaptureHandler, GrimHandler, MssHandler, PortalHandler, QtHandler, SpectacleHandler
from .names import HANDLER_NAMES

_HANDLERS: dict[str, type[CaptureHandler]] = {
    handler.name: handler for handler in (QtHandler, MssHandler, PortalHandler, GrimHandler, SpectacleHandler)
}


class CaptureError(RuntimeError):
    """No handler could grab the screen; the message says what to do."""


def all_handlers() -> list[CaptureHandler]:
    """Every handler, most preferred first (Wayland ones only apply on Wayland)."""
    return [_HANDLERS[name]() for name in HANDLER_NAMES]


def handler_names() -> list[str]:
    return list(HANDLER_NAMES)


def available_handlers() -> list[CaptureHandler]:
    return [handler for handler in all_handlers() if handler.is_available()]


def grab_screens(forced: str | None = None) -> list[ScreenGrab]:
    """Grab every screen with the first handler that works (or only `forced`)."""
    screens = QGuiApplication.screens()
    if forced:
        handlers = [h for h in all_handlers() if h.name == forced]
        if not handlers:
            raise CaptureError(
                f"unknown capture handler {forced!r}; choose from {', '.join(handler_names())}"
            )
    else:
        handlers = available_handlers()
    failures = []
    for handler in handlers:
        try:
            grabs = handler.grab(screens)
        except Exception as error:  # noqa: BLE001 - a failing handler makes way for the next
            failures.append(
                f"{handler.name}: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
            )
            continue
        if grabs and all(not g.image.isNull() for g in grabs):
            return grabs
        failures.append(f"{handler.name}: got an empty picture")
    raise CaptureError(_advice(failures))


def _advice(failures: list[str]) -> str:
    tried = "; ".join(failures) if failures else "no capture method is available here"
    if sys.platform == "darwin":
        hint = "allow desktop-ocr under System Settings → Privacy & Security → Screen Recording"
    elif sys.platform.startswith("linux"):
        hint = "on Wayland allow screenshots for desktop-ocr in the desktop's portal dialog, or install grim"
    else:
        hint = "check that a desktop session is running"
    return f"cannot grab the screen ({tried}); {hint}"
