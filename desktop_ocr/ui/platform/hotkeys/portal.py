"""The Wayland backend: xdg-desktop-portal's GlobalShortcuts interface over QtDBus.

The call shapes (as KeePassXC's and other Qt clients' GlobalShortcuts code uses them):
Register(s, a{sv}) on the host Registry first (GNOME), on a connection of the app's own
(capture/dbus_portal.py says why), then CreateSession(a{sv}) and
BindShortcuts(o, a(sa{sv}), s, a{sv}), which each return a Request path
whose `Response(u, a{sv})` signal carries the result; `Activated(o, s, t, a{sv})` fires on
each press. KDE Plasma 6 and GNOME 48+ implement it; elsewhere the interface is missing and
the failure is UNSUPPORTED, so Settings can show the desktop-shortcut recipe instead.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import SLOT, Slot
from PySide6.QtDBus import QDBusArgument, QDBusConnection, QDBusMessage, QDBusObjectPath, QDBusVariant

from ....capture.dbus_portal import (
    PORTAL_PATH,
    PORTAL_SERVICE,
    PortalRequestError,
    new_token,
    portal_connection,
    portal_request,
    register_host_app,
)
from ..dbus_types import DBusTypeError, struct_array
from .base import Failure, Hotkey
from .keys import xdg_trigger

SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"
SHORTCUT_ID = "snip"
DESCRIPTION = "Snip a screen region to text (desktop-ocr)"
TIMEOUT_MS = 120_000  # binding may show the desktop's own dialog and wait for the user


def _is_empty_array(value: object) -> bool:
    if isinstance(value, QDBusArgument):
        value.beginArray()  # the read-only overload; PySide6 cannot read the structs themselves
        return bool(value.atEnd())
    return not value


class PortalHotkey(Hotkey):
    """A GlobalShortcuts session with one shortcut, SHORTCUT_ID, preferring our key."""

    name = "portal"

    def __init__(self, sequence: str, bus: QDBusConnection | None = None) -> None:
        super().__init__(sequence)
        # The session, its Requests and Activated all belong to this one connection.
        self.bus = bus if bus is not None else portal_connection()
        self.registration = ""  # why Register failed, said with any later failure
        self.version = 0
        self.session_handle = ""
        self.timeout_ms = TIMEOUT_MS
        self._listening = False

    @staticmethod
    def is_available() -> bool:
        return sys.platform.startswith("linux") and QDBusConnection.sessionBus().isConnected()

    def start(self) -> bool:
        if not self.bus.isConnected():
            return self.fail(Failure.UNSUPPORTED, "no D-Bus session bus")
        self.registration = register_host_app(self.bus)  # first: before any other portal call
        version = self._interface_version()
        if version is None:
            return False
        self.version = version
        code, results = self._request(
            "CreateSession", lambda token: [{"handle_token": token, "session_handle_token": new_token()}]
        )
        if code is None:
            return False
        if code != 0 or not results.get("session_handle"):
            return self.fail(Failure.ERROR, f"the portal did not open a shortcuts session (code {code})")
        self.session_handle = str(results["session_handle"])
        self._listening = self.bus.connect(  # type: ignore[call-overload]
            PORTAL_SERVICE,
            PORTAL_PATH,
            SHORTCUTS_INTERFACE,
            "Activated",
            self,
            SLOT("on_activated(QDBusObjectPath,QString,qulonglong,QVariantMap)"),
        )
        try:
            shortcuts = struct_array(
                "(sa{sv})",
                [[SHORTCUT_ID, {"description": DESCRIPTION, "preferred_trigger": xdg_trigger(self.combo)}]],
            )
        except DBusTypeError as error:
            self.stop()
            return self.fail(Failure.UNSUPPORTED, f"cannot write the portal's shortcut list: {error}")
        session = QDBusObjectPath(self.session_handle)
        code, results = self._request(
            "BindShortcuts", lambda token: [session, shortcuts, "", {"handle_token": token}]
        )
        if code is None:
            self.stop()
            return False
        if code != 0:
            self.stop()
            return self.fail(Failure.TAKEN, "the desktop refused the shortcut")
        if _is_empty_array(results.get("shortcuts")):
            self.stop()
            return self.fail(Failure.TAKEN, "the desktop bound no shortcut (the key may be taken)")
        return True

    def stop(self) -> None:
        if self._listening:
            self.bus.disconnect(  # type: ignore[call-overload]
                PORTAL_SERVICE,
                PORTAL_PATH,
                SHORTCUTS_INTERFACE,
                "Activated",
                self,
                SLOT("on_activated(QDBusObjectPath,QString,qulonglong,QVariantMap)"),
            )
            self._listening = False
        if self.session_handle:
            close = QDBusMessage.createMethodCall(
                PORTAL_SERVICE, self.session_handle, SESSION_INTERFACE, "Close"
            )
            self.bus.call(close, timeout=2000)
            self.session_handle = ""

    @Slot(QDBusObjectPath, str, "qulonglong", "QVariantMap")
    def on_activated(self, session: QDBusObjectPath, shortcut_id: str, _time: int, _options: dict) -> None:
        if session.path() == self.session_handle and shortcut_id == SHORTCUT_ID:
            self.activated.emit()

    def fail(self, failure: Failure, error: str) -> bool:
        """As Hotkey.fail; a refused Register is the likely cause of what follows, so it is said too."""
        return super().fail(failure, f"{error} ({self.registration})" if self.registration else error)

    def _interface_version(self) -> int | None:
        """The interface's `version` property; None (UNSUPPORTED) where the portal lacks it."""
        get = QDBusMessage.createMethodCall(PORTAL_SERVICE, PORTAL_PATH, PROPERTIES_INTERFACE, "Get")
        get.setArguments([SHORTCUTS_INTERFACE, "version"])
        reply = self.bus.call(get, timeout=5000)
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            self.fail(
                Failure.UNSUPPORTED,
                f"the desktop portal has no global shortcuts ({reply.errorName()}: {reply.errorMessage()})",
            )
            return None
        value = reply.arguments()[0] if reply.arguments() else 0
        if isinstance(value, QDBusVariant):
            value = value.variant()
        return int(value)

    def _request(self, method: str, arguments: Any) -> tuple[int | None, dict[str, Any]]:
        """Call `method` with a fresh handle_token and wait for its Request's Response."""
        try:
            return portal_request(self.bus, SHORTCUTS_INTERFACE, method, arguments, self.timeout_ms)
        except PortalRequestError as error:
            self.fail(Failure.ERROR, str(error))
            return None, {}
