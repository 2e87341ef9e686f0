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
