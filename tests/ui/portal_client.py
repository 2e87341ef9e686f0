"""The app's portal code in a process of its own, after Qt-like traffic on the shared connection.

`python portal_client.py hotkey|screenshot` on the bus in $DBUS_SESSION_BUS_ADDRESS: first
reads org.freedesktop.portal.Settings on QDBusConnection.sessionBus(), as Qt's platform theme
does at start on GNOME, then uses the app's own code as the app does (start_hotkey with the
portal backend; portal_screenshot). Prints one JSON line per outcome; a hotkey client then
waits for one press and prints {"activated": true}. Its own process because libdbus reads the
session bus address once per process, and the test process has none.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from desktop_ocr.ui.platform.hotkeys import HotkeyError, start_hotkey


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def color_scheme_read() -> QDBusMessage:
    """The portal Settings call Qt's platform theme makes at start on GNOME."""
    read = QDBusMessage.createMethodCall(
        "org.freedesktop.portal.Desktop",
        "/org/freedesktop/portal/desktop",
        "org.freedesktop.portal.Settings",
        "ReadOne",
    )
    read.setArguments(["org.freedesktop.appearance", "color-scheme"])
    return read


def read_settings_on_the_shared_connection() -> str:
    reply = QDBusConnection.sessionBus().call(color_scheme_read(), timeout=5000)
    return reply.errorMessage() if reply.type() == QDBusMessage.MessageType.ErrorMessage else ""


def main() -> int:
    app = QCoreApplication(sys.argv[:1])
    say(settings_error=read_settings_on_the_shared_connection())
    if sys.argv[1] == "screenshot":
        from desktop_ocr.capture.portal import PortalError, portal_screenshot

        try:
            say(screenshot=str(portal_screenshot(timeout_ms=10_000)))
        except PortalError as error:
            say(error=str(error))
        return 0
    try:
        hotkey = start_hotkey("Ctrl+Alt+S", forced="portal")
    except HotkeyError as error:
        say(error=str(error))
        return 0
    hotkey.activated.connect(lambda: (say(activated=True), app.quit()))
    QTimer.singleShot(30_000, app.quit)  # the test presses at once; this only ends a lost run
    say(started=True)
    app.exec()
    hotkey.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
