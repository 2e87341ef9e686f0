"""The tests' private bus activates nothing installed on the machine."""

from __future__ import annotations

import os
from unittest import mock

from PySide6.QtDBus import QDBusMessage

from tests.ui.dbus_session import connect, private_bus


def activatable(address: str) -> list[str]:
    message = QDBusMessage.createMethodCall(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListActivatableNames"
    )
    reply = connect(address).call(message)
    assert reply.type() == QDBusMessage.MessageType.ReplyMessage, reply.errorMessage()
    return list(reply.arguments()[0])


def test_an_installed_notification_daemon_is_not_activatable(tmp_path):
    """As a notification daemon's package installs it: a session bus on the system's
    configuration would start it on the first Notify, where a test expects no service."""
    services = tmp_path / "share" / "dbus-1" / "services"
    services.mkdir(parents=True)
    (services / "org.freedesktop.Notifications.service").write_text(
        "[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/bin/true\n"
    )
    share = str(tmp_path / "share")
    with (
        mock.patch.dict(os.environ, {"XDG_DATA_DIRS": share, "XDG_DATA_HOME": share}),
        private_bus() as address,
    ):
        names = activatable(address)
    assert "org.freedesktop.DBus" in names  # the call worked
    assert "org.freedesktop.Notifications" not in names
