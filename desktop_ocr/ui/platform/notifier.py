"""'Your text is ready': a desktop notification when an answer finishes out of sight.

Linux: org.freedesktop.Notifications over QtDBus, with a "default" action (clicking the
notification); elsewhere, or when no notification service answers, the tray's balloon.
Either click emits `clicked(record_id)` so the window can open that answer. Deciding *when*
to notify (window hidden or inactive) is the window's job; this only shows and listens.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from PySide6.QtWidgets import QSystemTrayIcon

from .dbus_types import DBusTypeError, uint32

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = SERVICE
APP_NAME = "desktop-ocr"
ICON = "desktop-ocr"
BODY_LIMIT = 200


def notification_text(answer: str, copied: bool) -> tuple[str, str]:
    """(summary, body): what happened, and the answer's first non-empty line."""
    first = next((line.strip() for line in answer.splitlines() if line.strip()), "")
    if len(first) > BODY_LIMIT:
        first = first[: BODY_LIMIT - 1] + "…"
    summary = "Text ready · Copied" if copied else "Text ready"
    return summary, first or "(empty answer)"


class Notifier(QObject):
    """Shows one notification per finished answer; `clicked` carries the answer's record id."""

    clicked = Signal(object)

    def __init__(
        self,
        tray: QSystemTrayIcon | None = None,
        bus: QDBusConnection | None = None,
        enabled: bool = True,
    ) -> None:
        super().__init__()
        self.enabled = enabled  # Settings.notify
        self.tray: QSystemTrayIcon | None = None
        self.use_dbus = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
        self.bus = bus if bus is not None else (QDBusConnection.sessionBus() if self.use_dbus else None)
        self._records: dict[int, object] = {}  # notification id -> record id
        self._tray_record: object = None
        self._listening = False
        self.set_tray(tray)

    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        """The tray whose balloon is the fallback (the app makes its tray after the window)."""
        if self.tray is not None:
            self.tray.messageClicked.disconnect(self._on_tray_clicked)
        self.tray = tray
        if tray is not None:
            tray.messageClicked.connect(self._on_tray_clicked)

    def answer_finished(
        self, record_id: object, answer: str, copied: bool, window_visible: bool, window_active: bool
    ) -> str:
        """Notify only when the user cannot see the answer arrive (window hidden or in the back)."""
        if window_visible and window_active:
            return ""
        return self.notify(record_id, answer, copied)

    def notify(self, record_id: object, answer: str, copied: bool = False) -> str:
        """Show the notification; which way it went: "dbus", "tray", or "" (off or nowhere)."""
        if not self.enabled:
            return ""
        summary, body = notification_text(answer, copied)
        if self.use_dbus and self._notify_dbus(record_id, summary, body):
            return "dbus"
        if self.tray is not None:
            self._tray_record = record_id  # a tray that cannot show balloons ignores this
            self.tray.showMessage(summary, body, QSystemTrayIcon.MessageIcon.Information, 10_000)
            return "tray"
        return ""

    def _notify_dbus(self, record_id: object, summary: str, body: str) -> bool:
        if self.bus is None or not self.bus.isConnected():
            return False
        self._listen()
        try:
            replaces = uint32(0)
        except DBusTypeError:
            return False
        call = QDBusMessage.createMethodCall(SERVICE, PATH, INTERFACE, "Notify")
        hints = {"desktop-entry": APP_NAME}
        call.setArguments([APP_NAME, replaces, ICON, summary, body, ["default", "Open"], hints, -1])
        reply = self.bus.call(call, timeout=3000)
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            return False  # no notification service: the tray takes over
        self._records[int(reply.arguments()[0])] = record_id
        return True

    def _listen(self) -> None:
        if self._listening or self.bus is None:
            return
        for signal, slot in (
            ("ActionInvoked", "on_action(uint,QString)"),
            ("NotificationClosed", "on_closed(uint,uint)"),
        ):
            self.bus.connect(SERVICE, PATH, INTERFACE, signal, self, SLOT(slot))  # type: ignore[call-overload]
        self._listening = True

    @Slot("uint", str)
    def on_action(self, notification_id: int, action: str) -> None:
        if action == "default" and int(notification_id) in self._records:
            self.clicked.emit(self._records.pop(int(notification_id)))

    @Slot("uint", "uint")
    def on_closed(self, notification_id: int, _reason: int) -> None:
        # Some servers close before they report the click: keep the id a moment longer.
        if len(self._records) > 50:
            self._records.pop(next(iter(self._records)))

    def _on_tray_clicked(self) -> None:
        if self._tray_record is not None:
            self.clicked.emit(self._tray_record)
            self._tray_record = None
