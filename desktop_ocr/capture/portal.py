"""xdg-desktop-portal's Screenshot request over D-Bus (how Wayland desktops allow screenshots)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtDBus import QDBusConnection

from .dbus_portal import PortalRequestError, portal_connection, portal_request, register_host_app

SCREENSHOT_INTERFACE = "org.freedesktop.portal.Screenshot"
TIMEOUT_MS = 60_000  # the desktop may ask the user first


class PortalError(RuntimeError):
    pass


def portal_screenshot(bus: QDBusConnection | None = None, timeout_ms: int = TIMEOUT_MS) -> Path:
    """Ask the portal for a full-desktop screenshot; the file it wrote.

    On the app's own portal connection, the one the hotkey uses: registered as the app first,
    so the desktop knows which app asks (Qt's shared connection cannot be registered any more).
    """
    bus = bus if bus is not None else portal_connection()
    if not bus.isConnected():
        raise PortalError("no D-Bus session bus")
    register_host_app(bus)  # a no-op on portal_connection(); first on a connection given here
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
