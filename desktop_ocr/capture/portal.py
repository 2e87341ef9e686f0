"""xdg-desktop-portal's Screenshot request over D-Bus (how Wayland desktops allow screenshots)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtDBus import QDBusConnection

from .dbus_portal import PortalRequestError, portal_request

SCREENSHOT_INTERFACE = "org.freedesktop.portal.Screenshot"
TIMEOUT_MS = 60_000  # the desktop may ask the user first


class PortalError(RuntimeError):
    pass


def portal_screenshot(bus: QDBusConnection | None = None, timeout_ms: int = TIMEOUT_MS) -> Path:
    """Ask the portal for a full-desktop screenshot; the file it wrote."""
    bus = bus if bus is not None else QDBusConnection.sessionBus()
    if not bus.isConnected():
        raise PortalError("no D-Bus session bus")
    try:
        code, results = portal_request(
            bus,
            SCREENSHOT_INTERFACE,
            "Screenshot",
            lambda token: ["", {"handle_token": token, "interactive": False}],
            timeout_ms,
        )
    except PortalRequestError as error:
        raise PortalError(f"the screenshot portal failed: {error}") from error
    if code != 0:
        raise PortalError("the screenshot was cancelled or denied")
    uri = str(results.get("uri", ""))
    if not uri:
        raise PortalError("the screenshot portal gave no file")
    return Path(QUrl(uri).toLocalFile())
