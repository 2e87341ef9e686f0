"""Notifications against a fake org.freedesktop.Notifications on a real dbus-daemon."""

from __future__ import annotations

from PySide6.QtDBus import QDBusMessage
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from desktop_ocr.ui.platform.notifier import Notifier, notification_text
from tests.ui.dbus_session import connect


def click(bus, notification_id: int, action: str = "default") -> None:
    message = QDBusMessage.createMethodCall(
        "org.freedesktop.Notifications", "/test", "org.desktop_ocr.Test", "Click"
    )
    message.setArguments([notification_id, action])
    reply = bus.call(message)
    assert reply.type() == QDBusMessage.MessageType.ReplyMessage, reply.errorMessage()


def test_text():
    assert notification_text("\n  First line  \nsecond", copied=True) == ("Text ready · Copied", "First line")
    assert notification_text("", copied=False) == ("Text ready", "(empty answer)")
    assert notification_text("x" * 500, False)[1].endswith("…")


def test_notify_and_click_opens_the_record(qtbot, bus_address, notifications):
    bus = connect(bus_address)
    notifier = Notifier(bus=bus)
    notifier.use_dbus = True
    assert notifier.notify(42, "Invoice 2026-11\nTotal 12", copied=True) == "dbus"
    call = notifications.call("Notify")
    assert call["signature"] == "susssasa{sv}i"
    app_name, replaces, _icon, summary, body, actions, _hints, timeout = call["body"]
    assert (app_name, replaces, summary, body, timeout) == (
        "desktop-ocr",
        0,
        "Text ready · Copied",
        "Invoice 2026-11",
        -1,
    )
    assert actions[:1] == ["default"]
    assert notifier.notify(43, "Other", copied=False) == "dbus"
    assert notifications.call("Notify")["body"][3] == "Text ready"
    with qtbot.waitSignal(notifier.clicked, timeout=5000) as clicked:
        click(bus, 1)  # the fake numbers notifications from 1: the first one, record 42
    assert clicked.args == [42]
    opened: list[object] = []
    notifier.clicked.connect(opened.append)
    assert notifier.notify(44, "Third") == "dbus"
    click(bus, 2, "other-action")  # signals arrive in order: this one is handled before the next
    click(bus, 3)
    qtbot.waitUntil(lambda: 44 in opened, timeout=5000)
    assert opened == [44]  # the other action opened nothing


def test_only_answers_out_of_sight_notify(bus_address, notifications):
    notifier = Notifier(bus=connect(bus_address))
    notifier.use_dbus = True
    assert notifier.answer_finished(1, "seen", False, window_visible=True, window_active=True) == ""
    assert notifier.answer_finished(2, "behind", False, window_visible=True, window_active=False) == "dbus"
    assert notifier.answer_finished(3, "tray", True, window_visible=False, window_active=False) == "dbus"
    assert [notifications.call("Notify")["body"][4] for _ in range(2)] == ["behind", "tray"]


def test_the_setting_turns_it_off(bus_address, notifications):
    notifier = Notifier(bus=connect(bus_address), enabled=False)
    notifier.use_dbus = True
    assert notifier.notify(1, "text") == ""
    # Notify waits for the reply, and the fake prints each call before it replies: the first
    # call printed is the probe's, so none was sent before it.
    notifier.enabled = True
    assert notifier.notify(2, "probe") == "dbus"
    assert notifications.call("Notify")["body"][4] == "probe"


def test_without_a_notification_service_the_tray_takes_over(qtbot, bus_address):
    tray = QSystemTrayIcon(QIcon())
    notifier = Notifier(tray=tray, bus=connect(bus_address))
    notifier.use_dbus = True
    assert notifier.notify(7, "text") == "tray"
    with qtbot.waitSignal(notifier.clicked) as clicked:
        tray.messageClicked.emit()
    assert clicked.args == [7]
