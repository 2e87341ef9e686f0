"""Key text → native codes for every backend, and the registration calls' arguments (no OS calls)."""

from __future__ import annotations

import pytest

from desktop_ocr.ui.platform.hotkeys import HotkeyError, backend_order, parse_combo
from desktop_ocr.ui.platform.hotkeys.keys import (
    CARBON_SIGNATURE,
    CMD_KEY,
    CONTROL_KEY,
    MOD_ALT,
    MOD_CONTROL,
    MOD_NOREPEAT,
    MOD_SHIFT,
    MOD_WIN,
    OPTION_KEY,
    SHIFT_KEY,
    carbon_key_code,
    register_event_hotkey_args,
    register_hotkey_args,
    windows_virtual_key,
    xdg_trigger,
)
from desktop_ocr.ui.platform.hotkeys.windows import WM_HOTKEY, hotkey_id_of


def test_parse_normalises_names():
    combo = parse_combo("control+option+s")
    assert combo.modifiers == {"ctrl", "alt"} and combo.key == "S"
    assert combo.text() == "Ctrl+Alt+S"
    assert parse_combo("Shift+Meta+f12").key == "F12"
    assert parse_combo("Ctrl+PgDown").key == "PageDown"
    for bad, message in [("S", "modifier"), ("Hyper+S", "unknown modifier"), ("Ctrl+F25", "unsupported")]:
        with pytest.raises(HotkeyError, match=message):
            parse_combo(bad)


def test_windows_register_hotkey_arguments():
    assert register_hotkey_args(parse_combo("Ctrl+Alt+S"), 7) == (
        None,
        7,
        MOD_CONTROL | MOD_ALT | MOD_NOREPEAT,
        0x53,  # VK 'S'
    )
    assert register_hotkey_args(parse_combo("Shift+Meta+F1"), 1)[2:] == (
        MOD_SHIFT | MOD_WIN | MOD_NOREPEAT,
        0x70,
    )
    assert windows_virtual_key(parse_combo("Ctrl+F24")) == 0x87
    assert windows_virtual_key(parse_combo("Ctrl+5")) == 0x35
    assert windows_virtual_key(parse_combo("Ctrl+Space")) == 0x20
    assert windows_virtual_key(parse_combo("Ctrl+PgUp")) == 0x21
    assert hotkey_id_of(WM_HOTKEY, 7) == 7
    assert hotkey_id_of(0x0100, 7) is None  # WM_KEYDOWN


def test_macos_register_event_hotkey_arguments():
    # Qt's macOS convention: Ctrl is Command, Meta is Control.
    assert register_event_hotkey_args(parse_combo("Ctrl+Alt+S"), 3) == (
        0x01,  # kVK_ANSI_S
        CMD_KEY | OPTION_KEY,
        CARBON_SIGNATURE,
        3,
    )
    assert register_event_hotkey_args(parse_combo("Meta+Shift+F5"), 1)[:2] == (0x60, CONTROL_KEY | SHIFT_KEY)
    assert carbon_key_code(parse_combo("Ctrl+A")) == 0x00
    assert carbon_key_code(parse_combo("Ctrl+0")) == 0x1D
    with pytest.raises(HotkeyError, match="macOS"):
        carbon_key_code(parse_combo("Ctrl+Print"))


def test_portal_trigger_follows_the_shortcuts_spec():
    assert xdg_trigger(parse_combo("Ctrl+Alt+S")) == "CTRL+ALT+s"
    assert xdg_trigger(parse_combo("Meta+Shift+Return")) == "SHIFT+LOGO+Return"
    assert xdg_trigger(parse_combo("Ctrl+PgUp")) == "CTRL+Prior"


def test_backend_order_per_session():
    assert backend_order("win32", False) == ["windows"]
    assert backend_order("darwin", False) == ["macos"]
    assert backend_order("linux", wayland=True) == ["portal", "x11"]
    assert backend_order("linux", wayland=False) == ["x11", "portal"]


def test_the_windows_event_filter_reads_wm_hotkey_from_a_msg():
    import ctypes

    from desktop_ocr.ui.platform.hotkeys.windows import MSG, _HotkeyFilter

    seen: list[int] = []
    event_filter = _HotkeyFilter(seen.append)
    message = MSG(hwnd=None, message=WM_HOTKEY, wParam=5, lParam=0x530003)
    assert event_filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(message)) == (False, 0)
    other = MSG(hwnd=None, message=0x0100, wParam=5)
    event_filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(other))
    event_filter.nativeEventFilter(b"xcb_generic_event_t", ctypes.addressof(message))
    assert seen == [5]
