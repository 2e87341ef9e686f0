"""The Screenshot portal call against a fake org.freedesktop.portal.Desktop on a private bus."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from desktop_ocr.capture.portal import PortalError, portal_screenshot
from tests.ui.dbus_session import FakeService, connect


def test_the_portal_call_returns_the_file_the_portal_wrote(qtbot, bus_address, tmp_path):
    target = tmp_path / "Screenshot.png"
    service = FakeService(bus_address, "portal", f"--screenshot={target}")
    try:
        path = portal_screenshot(connect(bus_address), timeout_ms=10_000)
        call = service.call("Screenshot")
    finally:
        service.close()
    assert path == target
    assert QImage(str(path)).size().width() == 64  # the portal's file, readable
    assert call["signature"] == "sa{sv}"
    assert "handle_token" in call["body"][1] and call["body"][1]["interactive"] == ["b", False]


def test_a_denied_screenshot_is_one_clear_error(qtbot, bus_address, tmp_path):
    service = FakeService(bus_address, "portal", "--refuse", f"--screenshot={tmp_path / 'x.png'}")
    try:
        with pytest.raises(PortalError, match="cancelled or denied"):
            portal_screenshot(connect(bus_address), timeout_ms=10_000)
    finally:
        service.close()


def test_no_portal_is_one_clear_error(qtbot, bus_address):
    with pytest.raises(PortalError, match="screenshot portal failed"):
        portal_screenshot(connect(bus_address), timeout_ms=2_000)


def test_the_screenshot_asks_on_the_apps_registered_connection_after_qt_used_the_shared_one(
    bus_address, tmp_path
):
    """Qt's own portal traffic on the shared connection does not keep the screenshot from
    arriving from the app's registered connection (the one the hotkey uses too)."""
    from desktop_ocr.capture.dbus_portal import APP_ID
    from tests.ui.dbus_session import PortalClient

    target = tmp_path / "shot.png"
    service = FakeService(bus_address, "portal", "--registry", f"--screenshot={target}")
    client = PortalClient(bus_address, "screenshot")
    try:
        assert client.next(20) == {"settings_error": ""}
        assert client.next(20) == {"screenshot": str(target)}
        read, register = service.call("ReadOne"), service.call("Register")
        assert register["sender"] != read["sender"] and register["app_id"] is None  # Register first
        screenshot = service.call("Screenshot")
        assert (screenshot["sender"], screenshot["app_id"]) == (register["sender"], APP_ID)
    finally:
        client.close()
        service.close()
