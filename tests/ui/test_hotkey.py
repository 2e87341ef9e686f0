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


def test_a_key_that_cannot_be_had_turns_the_hotkey_off_lastingly_and_warns(qtbot, caplog):
    """`off` lasts until the user changes the key; a key kept from before is no "off"."""
    from desktop_ocr.ui.platform.hotkeys import HotkeyController, start_hotkey

    controller = HotkeyController(lambda sequence: start_hotkey(sequence, forced="x11"))
    other_app = X11Hotkey("Ctrl+Shift+Alt+J")
    assert other_app.start()
    try:
        with qtbot.waitSignal(controller.off) as off, caplog.at_level("WARNING"):
            error = controller.apply("Ctrl+Shift+Alt+J")
        assert off.args == ["Ctrl+Shift+Alt+J", error] and "another application" in error
        assert controller.off_reason == ("Ctrl+Shift+Alt+J", error)
        [warning] = [r for r in caplog.records if r.levelname == "WARNING"]
        assert warning.getMessage() == f"global hotkey Ctrl+Shift+Alt+J is off: {error}"
        with qtbot.waitSignal(controller.off) as off:
            assert controller.apply("Ctrl+Shift+Alt+K") is None
        assert off.args == ["", ""]
        with qtbot.assertNotEmitted(controller.off), caplog.at_level("WARNING"):
            assert controller.apply("Ctrl+Shift+Alt+J")  # refused, and K is kept
        assert controller.off_reason == ("", "") and controller.sequence == "Ctrl+Shift+Alt+K"
        assert "not taken, Ctrl+Shift+Alt+K kept" in caplog.records[-1].getMessage()
        controller.stop()
        controller.apply("Ctrl+Shift+Alt+J")
        with qtbot.waitSignal(controller.off) as off:
            assert controller.apply("") is None  # turned off on purpose: nothing to say
        assert off.args == ["", ""]
    finally:
        controller.stop()
        other_app.stop()


def test_the_app_names_a_held_key_in_the_tray_and_says_a_refused_one_in_the_status_bar(qtbot, make_app):
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QSystemTrayIcon

    from desktop_ocr.ui.platform.tray import tray_menu
    from desktop_ocr.ui.startup import start_hotkey as start_app_hotkey

    app = make_app(wait_ready=False, hotkey="Ctrl+Shift+Alt+M")
    window = app.window
    menu = tray_menu(
        window, window.snip_action, window.private_snip_action, window.show_action, window.quit_action
    )
    app.tray = QSystemTrayIcon(QIcon())  # a bare X server has no tray; the menu is the same
    app.tray.setContextMenu(menu)
    hotkeys = start_app_hotkey(app)
    try:
        qtbot.waitUntil(lambda: menu.actions()[0].text() == "Snip (global hotkey Ctrl+Shift+Alt+M)")
        assert window.hotkey_note is None or window.hotkey_note.isHidden()
        hotkeys.stop()
        assert menu.actions()[0].text() == "Snip"
        other_app = X11Hotkey("Ctrl+Shift+Alt+M")
        assert other_app.start()
        try:
            assert hotkeys.apply("Ctrl+Shift+Alt+M")
        finally:
            other_app.stop()
        note = window.hotkey_note
        assert note is not None and note.isVisibleTo(window)
        assert "Global hotkey Ctrl+Shift+Alt+M off" in note.text()
        assert (
            "another application" in note.toolTip() and "another application" in note.accessibleDescription()
        )
        window.settings_requested.disconnect()  # the App's modal dialog would wait for a user
        with qtbot.waitSignal(window.settings_requested):
            note.linkActivated.emit("settings")  # its link opens Settings, where the key is changed
        assert hotkeys.apply("") is None
        assert not note.isVisibleTo(window)
    finally:
        hotkeys.stop()
