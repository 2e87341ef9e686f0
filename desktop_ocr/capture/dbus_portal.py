"""xdg-desktop-portal over QtDBus, shared by the screenshot and hotkey code: the app's own
connection (registered first) and the Request/Response pattern.

A portal method takes a `handle_token` in its options and returns a Request object path; the
result comes later as that Request's `Response(u, a{sv})` signal (code 0: success, 1: the user
cancelled, 2: other). PySide6 must be given the slot's exact D-Bus signature through SLOT()
with a matching @Slot("uint", "QVariantMap"): a plain string or a QDBusMessage slot is mangled.
Lives at the package top so capture/ and ui/hotkeys/ can both import it without a cycle.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SLOT, QEventLoop, QObject, QTimer, Slot
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusObjectPath

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
# The app's id: the name of its .desktop file (resources/), its Wayland app_id, and what the
# portal's host Registry is told.
APP_ID = "io.github.desktop_ocr.DesktopOCR"
REGISTRY_INTERFACE = "org.freedesktop.host.portal.Registry"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
CALL_TIMEOUT_MS = 10_000
RESPONSE_SLOT = "on_response(uint,QVariantMap)"
CONNECTION_NAME = "desktop-ocr-portal"  # QtDBus's name for the app's own portal connection
# What a portal without the host Registry answers Register (xdg-desktop-portal before 1.19, KDE's
# older frontends, or no portal at all): nothing to register, and nothing wrong.
NO_REGISTRY = frozenset(
    {
        "org.freedesktop.DBus.Error.UnknownMethod",
        "org.freedesktop.DBus.Error.UnknownInterface",
        "org.freedesktop.DBus.Error.UnknownObject",
        "org.freedesktop.DBus.Error.ServiceUnknown",
    }
)

_registered: dict[str, str] = {}  # connection name -> why Register failed ("" when it did not)


class PortalRequestError(RuntimeError):
    """The call failed or no Response came; the message is one line that names the method."""


class PortalResponse(QObject):
    """Waits for one Request's Response(u, a{sv})."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = QEventLoop()
        self.code: int | None = None
        self.results: dict[str, Any] = {}

    @Slot("uint", "QVariantMap")
    def on_response(self, code: int, results: dict[str, Any]) -> None:
        self.code = int(code)
        self.results = dict(results)
        self.loop.quit()


def portal_connection() -> QDBusConnection:
    """The app's own session-bus connection for portal calls, registered as APP_ID first.

    The portal ties an app id to a connection at that connection's first portal call, once:
    `Register` on a connection that has already made any portal call is refused with
    "Connection already associated with an application ID", and the connection keeps the
    empty id a host app is detected with (xdg-desktop-portal's src/xdp-app-info.c,
    `xdp_invocation_register_host_app_info_sync`; every portal method first passes
    `authorize_callback` in src/xdg-desktop-portal.c, which caches the detected id; its
    tests/test_registry.py `test_late_register` checks exactly this). Qt itself talks to the
    portal on the shared sessionBus() before our code runs (its platform theme reads
    org.freedesktop.portal.Settings; QDesktopUnixServices asks the Screenshot version), so on
    that connection our Register always came too late and GNOME's GlobalShortcuts then refused
    the session ("An app id is required"). A connection of our own sees Register first.
    Qt returns the same connection for the same name, so this is one connection per process.
    """
    bus = QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, CONNECTION_NAME)
    if bus.isConnected():
        register_host_app(bus)
    return bus


def register_host_app(bus: QDBusConnection) -> str:
    """Register APP_ID on `bus` (once per connection): "" when done or not needed, else why not.

    xdg-desktop-portal 1.19+ takes the id of the app's .desktop file through the host Registry
    (GNOME's GlobalShortcuts needs it for apps outside Flatpak/Snap); older portals lack the
    method and a sandboxed app is known already, so those answers are no failure. Any other
    refusal ("App info not found" where the .desktop file is not installed) is returned, so a
    later failure can say it.
    """
    name = bus.name()
    if name not in _registered:
        register = QDBusMessage.createMethodCall(PORTAL_SERVICE, PORTAL_PATH, REGISTRY_INTERFACE, "Register")
        register.setArguments([APP_ID, {}])
        reply = bus.call(register, timeout=CALL_TIMEOUT_MS)
        refused = (
            reply.type() == QDBusMessage.MessageType.ErrorMessage and reply.errorName() not in NO_REGISTRY
        )
        _registered[name] = f"registering {APP_ID} failed: {reply.errorMessage()}" if refused else ""
    return _registered[name]


def new_token() -> str:
    return f"desktop_ocr_{secrets.token_hex(6)}"


def portal_request(
    bus: QDBusConnection,
    interface: str,
    method: str,
    arguments: Callable[[str], list[Any]],
    timeout_ms: int,
) -> tuple[int, dict[str, Any]]:
    """Call `method` with a fresh handle_token (`arguments(token)`); (code, results) of its Response."""
    token = new_token()
    sender = bus.baseService().lstrip(":").replace(".", "_")
    path = f"{PORTAL_PATH}/request/{sender}/{token}"
    waiter = PortalResponse()
    # Subscribe before calling: the Response may come before the call returns.
    _watch(bus, path, waiter, connect=True)
    call = QDBusMessage.createMethodCall(PORTAL_SERVICE, PORTAL_PATH, interface, method)
    call.setArguments(arguments(token))
    reply = bus.call(call, timeout=CALL_TIMEOUT_MS)
    if reply.type() == QDBusMessage.MessageType.ErrorMessage:
        _watch(bus, path, waiter, connect=False)
        raise PortalRequestError(f"{method}: {reply.errorMessage() or reply.errorName()}")
    returned = reply.arguments()[0] if reply.arguments() else None
    returned_path = returned.path() if isinstance(returned, QDBusObjectPath) else str(returned or path)
    if returned_path != path:  # portals before 0.9 did not honour handle_token
        _watch(bus, path, waiter, connect=False)
        path = returned_path
        _watch(bus, path, waiter, connect=True)
    if waiter.code is None:
        QTimer.singleShot(timeout_ms, waiter.loop.quit)
        waiter.loop.exec()
    _watch(bus, path, waiter, connect=False)
    if waiter.code is None:
        raise PortalRequestError(f"{method}: the desktop portal did not answer")
    return waiter.code, waiter.results


def _watch(bus: QDBusConnection, path: str, waiter: PortalResponse, connect: bool) -> None:
    method = bus.connect if connect else bus.disconnect
    method(  # type: ignore[call-overload]
        PORTAL_SERVICE, path, REQUEST_INTERFACE, "Response", waiter, SLOT(RESPONSE_SLOT)
    )
