"""The X11 global hotkey, pressed with xdotool on the test X server."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from desktop_ocr.ui.hotkey import CONTROL, MOD1, SHIFT, HotkeyError, X11Hotkey, parse_hotkey


def test_parse():
    assert parse_hotkey("Ctrl+Alt+S") == (CONTROL | MOD1, "s")
    assert parse_hotkey("shift+ctrl+F9") == (SHIFT | CONTROL, "F9")
    with pytest.raises(HotkeyError, match="modifier"):
        parse_hotkey("S")
    with pytest.raises(HotkeyError, match="unknown modifier"):
        parse_hotkey("Hyper+S")


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
    finally:
        first.stop()
