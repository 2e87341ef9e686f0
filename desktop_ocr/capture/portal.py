"""xdg-desktop-portal's Screenshot request over D-Bus (how Wayland desktops allow screenshots)."""

from __future__ import annotations

import secrets
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer, QUrl, Slot
from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT_INTERFACE = "org.freedesktop.portal.Screenshot"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
TIMEOUT_MS = 60_000  # the desktop may ask the user first


class PortalError(RuntimeError):
    pass


class _ResponseWaiter(QObject):
    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.code: int | None = None
        self.uri = ""

    @Slot(QDBusMessage)
    def on_response(self, message: QDBusMessage) -> None:
        arguments = message.arguments()
        self.code = int(arguments[0]) if arguments else 2
        results = arguments[1] if len(arguments) > 1 else {}
        self.uri = str(results.get("uri", "")) if isinstance(results, dict) else ""
        self.loop.quit()


def portal_screenshot() -> Path:
    """Ask the portal for a full-desktop screenshot; the file it wrote."""
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        raise PortalError("no D-Bus session bus")
    token = f"desktop_ocr_{secrets.token_hex(6)}"
    sender = bus.baseService().lstrip(":").replace(".", "_")
    request_path = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
    loop = QEventLoop()
    waiter = _ResponseWaiter(loop)
    bus.connect(  # type: ignore[call-overload]  # PySide6 takes the slot signature as str
        PORTAL_SERVICE, request_path, REQUEST_INTERFACE, "Response", waiter, "on_response(QDBusMessage)"
    )
    portal = QDBusInterface(PORTAL_SERVICE, PORTAL_PATH, SCREENSHOT_INTERFACE, bus)
    reply = portal.call("Screenshot", "", {"handle_token": token, "interactive": False})
    if reply.type() == QDBusMessage.MessageType.ErrorMessage:
        raise PortalError(reply.errorMessage() or "the screenshot portal refused")
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    if waiter.code is None:
        raise PortalError("the screenshot portal did not answer")
    if waiter.code != 0:
        raise PortalError("the screenshot was cancelled or denied")
    return Path(QUrl(waiter.uri).toLocalFile())
