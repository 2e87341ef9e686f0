"""The GlobalShortcuts portal backend against a real dbus-daemon and a fake portal service."""

from __future__ import annotations

import pytest
from PySide6.QtDBus import QDBusMessage

import desktop_ocr
from desktop_ocr.ui.platform.hotkeys.base import Failure
from desktop_ocr.ui.platform.hotkeys.portal import SHORTCUT_ID, PortalHotkey
from tests.ui.dbus_session import FakeService, connect


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
