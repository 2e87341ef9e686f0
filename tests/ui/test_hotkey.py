"""The X11 global hotkey, pressed with xdotool on the test X server."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from desktop_ocr.ui.platform.hotkeys import Failure, HotkeyError
from desktop_ocr.ui.platform.hotkeys.x11 import CONTROL, MOD1, SHIFT, X11Hotkey, parse_hotkey


def test_parse():
    assert parse_hotkey("Ctrl+Alt+S") == (CONTROL | MOD1, "s")
    assert parse_hotkey("shift+ctrl+F9") == (SHIFT | CONTROL, "F9")
    with pytest.raises(HotkeyError, match="modifier"):
        parse_hotkey("S")
    with pytest.raises(HotkeyError, match="unknown modifier"):
        parse_hotkey("Hyper+S")
    assert parse_hotkey("Meta+PgUp") == (1 << 6, "Prior")


def test_xdotool_press_fires_the_hotkey(qtbot):
    assert shutil.which("xdotool"), ".ci/run installs xdotool"
    hotkey = X11Hotkey("Ctrl+Alt+S")
    assert hotkey.start(), hotkey.error
    try:
        with qtbot.waitSignal(hotkey.activated, timeout=5000):
            subprocess.run(["xdotool", "key", "ctrl+alt+s"], check=True, timeout=10)
        with qtbot.assertNotEmitted(hotkey.activated, wait=300):
            subprocess.run(["xdotool", "key", "ctrl+s"], check=True, timeout=10)
    finally:
        hotkey.stop()


def test_a_taken_hotkey_is_reported():
    first = X11Hotkey("Ctrl+Shift+Alt+D")
    assert first.start()
    try:
        second = X11Hotkey("Ctrl+Shift+Alt+D")
        assert not second.start()
        assert "another application" in second.error
        assert second.failure == Failure.TAKEN
    finally:
        first.stop()


def test_the_registry_reports_a_taken_key_and_keeps_nothing_grabbed():
    from desktop_ocr.ui.platform.hotkeys import HotkeyTaken, start_hotkey

    first = start_hotkey("Ctrl+Shift+Alt+E", forced="x11")
    try:
        with pytest.raises(HotkeyTaken, match="another application"):
            start_hotkey("Ctrl+Shift+Alt+E", forced="x11")
    finally:
        first.stop()


def test_the_controller_keeps_the_previous_key_when_the_new_one_is_taken(qtbot):
    from desktop_ocr.ui.platform.hotkeys import HotkeyController, start_hotkey

    controller = HotkeyController(lambda sequence: start_hotkey(sequence, forced="x11"))
    other_app = X11Hotkey("Ctrl+Shift+Alt+G")
    assert other_app.start()
    try:
        assert controller.apply("Ctrl+Shift+Alt+F") is None
        with qtbot.waitSignal(controller.failed) as failed:
            error = controller.apply("Ctrl+Shift+Alt+G")
        assert error and "another application" in error and failed.args == [error]
        assert controller.sequence == "Ctrl+Shift+Alt+F" and not controller.unavailable
        with qtbot.waitSignal(controller.activated, timeout=5000):
            subprocess.run(["xdotool", "key", "ctrl+shift+alt+f"], check=True, timeout=10)
        assert controller.apply("") is None and controller.hotkey is None
    finally:
        controller.stop()
        other_app.stop()
