"""The GlobalShortcuts portal backend against a real dbus-daemon and a fake portal service."""

from __future__ import annotations

import pytest
from PySide6.QtDBus import QDBusMessage

import desktop_ocr
from desktop_ocr.ui.platform.hotkeys.base import Failure
from desktop_ocr.ui.platform.hotkeys.portal import SHORTCUT_ID, PortalHotkey
from tests.ui.dbus_session import FakeService, PortalClient, connect
from tests.ui.portal_client import color_scheme_read


@pytest.fixture
def portal(bus_address, request):
    service = FakeService(bus_address, "portal", *getattr(request, "param", ()))
    yield service
    service.close()


def press(bus, shortcut_id: str = SHORTCUT_ID) -> None:
    message = QDBusMessage.createMethodCall(
        "org.freedesktop.portal.Desktop", "/test", "org.desktop_ocr.Test", "Press"
    )
    message.setArguments([shortcut_id])
    reply = bus.call(message)
    assert reply.type() == QDBusMessage.MessageType.ReplyMessage, reply.errorMessage()


def test_binds_the_shortcut_and_fires_on_activation(qtbot, bus_address, portal):
    bus = connect(bus_address)
    hotkey = PortalHotkey("Ctrl+Alt+S", bus=bus)
    assert hotkey.start(), hotkey.error
    try:
        assert hotkey.version == 1
        created = portal.call("CreateSession")
        assert set(created["body"][0]) == {"handle_token", "session_handle_token"}
        bound = portal.call("BindShortcuts")
        assert bound["signature"] == "oa(sa{sv})sa{sv}"
        session, shortcuts, _parent, options = bound["body"]
        assert session == hotkey.session_handle
        assert session.startswith("/org/freedesktop/portal/desktop/session/")
        [[shortcut_id, info]] = shortcuts
        assert shortcut_id == SHORTCUT_ID
        assert info["preferred_trigger"] == ["s", "CTRL+ALT+s"]
        assert "handle_token" in options
        with qtbot.waitSignal(hotkey.activated, timeout=5000):
            press(bus)
        with qtbot.assertNotEmitted(hotkey.activated, wait=300):
            press(bus, "something-else")
    finally:
        hotkey.stop()
    closed = portal.call("Close")
    assert closed["path"] == session


@pytest.mark.parametrize("portal", [("--no-interface",)], indirect=True)
def test_a_portal_without_global_shortcuts_is_unsupported(bus_address, portal):
    hotkey = PortalHotkey("Ctrl+Alt+S", bus=connect(bus_address))
    assert not hotkey.start()
    assert hotkey.failure == Failure.UNSUPPORTED
    assert "no global shortcuts" in hotkey.error and "No such interface" in hotkey.error


def test_no_portal_at_all_is_unsupported(bus_address):
    hotkey = PortalHotkey("Ctrl+Alt+S", bus=connect(bus_address))
    assert not hotkey.start()
    assert hotkey.failure == Failure.UNSUPPORTED


@pytest.mark.parametrize("portal", [("--refuse",)], indirect=True)
def test_a_refused_shortcut_is_reported_as_taken(bus_address, portal):
    hotkey = PortalHotkey("Ctrl+Alt+S", bus=connect(bus_address))
    assert not hotkey.start()
    assert hotkey.failure == Failure.TAKEN
    assert not hotkey.session_handle  # the session was closed again
    portal.call("Close")


@pytest.mark.parametrize("portal", [("--registry",)], indirect=True)
def test_registers_the_host_app_before_any_other_portal_call(bus_address, portal):
    """GNOME's portal (1.19+) learns the app's id, its .desktop file's name, before anything else."""
    from pathlib import Path

    from desktop_ocr.capture.dbus_portal import APP_ID

    hotkey = PortalHotkey("Ctrl+Alt+S", bus=connect(bus_address))
    assert hotkey.start(), hotkey.error
    try:
        first = portal.next(5)
        assert first is not None
        assert (first["member"], first["interface"], first["signature"]) == (
            "Register",
            "org.freedesktop.host.portal.Registry",
            "sa{sv}",
        )
        assert first["body"] == [APP_ID, {}]
        assert portal.call("BindShortcuts")
    finally:
        hotkey.stop()
    assert (Path(desktop_ocr.__file__).parent / "resources" / f"{APP_ID}.desktop").is_file()


@pytest.mark.parametrize("portal", [("--registry", "--require-app-id")], indirect=True)
def test_the_hotkey_registers_on_a_connection_of_its_own_after_qt_used_the_shared_one(bus_address, portal):
    """Qt reads the portal's Settings on the shared connection first (GNOME); the real portal then
    refuses Register there and GNOME refuses the session without an app id. The app's own
    connection registers first, so the shortcut is bound and its presses arrive."""
    from desktop_ocr.capture.dbus_portal import APP_ID

    client = PortalClient(bus_address, "hotkey")
    try:
        assert client.next(20) == {"settings_error": ""}
        assert client.next(20) == {"started": True}
        read = portal.call("ReadOne")
        register = portal.call("Register")
        assert register["sender"] != read["sender"]  # a connection of its own
        assert register["app_id"] is None  # ... whose first portal call is Register
        assert register["body"] == [APP_ID, {}]
        created = portal.call("CreateSession")
        assert (created["sender"], created["app_id"]) == (register["sender"], APP_ID)
        assert portal.call("BindShortcuts")["app_id"] == APP_ID
        press(connect(bus_address))
        assert client.next(20) == {"activated": True}
    finally:
        client.close()


@pytest.mark.parametrize("portal", [("--registry", "--require-app-id")], indirect=True)
def test_a_connection_that_talked_to_the_portal_first_cannot_register_and_says_so(bus_address, portal):
    """The fake keeps the real rule; a hotkey given such a connection fails and names the cause."""
    bus = connect(bus_address)
    assert bus.call(color_scheme_read()).type() == QDBusMessage.MessageType.ReplyMessage
    hotkey = PortalHotkey("Ctrl+Alt+S", bus=bus)
    assert not hotkey.start()
    assert "An app id is required" in hotkey.error
    assert "Connection already associated with an application ID" in hotkey.error
