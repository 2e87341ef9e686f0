"""The Windows backend: RegisterHotKey, and WM_HOTKEY read by a QAbstractNativeEventFilter.

As KeePassXC, CopyQ and QHotkey do: the hotkey is registered without a window, so Windows
posts WM_HOTKEY to the GUI thread's queue, where Qt's event dispatcher hands every message to
the native event filters. Only the argument building is tested off Windows (keys.py).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication

from .base import Failure, Hotkey
from .keys import register_hotkey_args

WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
MAX_HOTKEY_ID = 0xBFFF  # ids 0x0000..0xBFFF are the application's


class MSG(ctypes.Structure):
    """winuser.h MSG."""

    _fields_ = [
        ("hwnd", ctypes.c_void_p),
        ("message", ctypes.c_uint),
        ("wParam", ctypes.c_size_t),
        ("lParam", ctypes.c_ssize_t),
        ("time", ctypes.c_uint32),
        ("pt_x", ctypes.c_long),
        ("pt_y", ctypes.c_long),
    ]


def hotkey_id_of(message: int, w_param: int) -> int | None:
    """The hotkey id a message announces, or None when it is no WM_HOTKEY."""
    return int(w_param) if message == WM_HOTKEY else None


class _HotkeyFilter(QAbstractNativeEventFilter):
    def __init__(self, on_hotkey: Callable[[int], None]) -> None:
        super().__init__()
        self.on_hotkey = on_hotkey

    def nativeEventFilter(self, event_type: Any, message: Any) -> object:
        if bytes(event_type) == b"windows_generic_MSG" and message:
            msg = MSG.from_address(int(message))
            hotkey_id = hotkey_id_of(msg.message, msg.wParam)
            if hotkey_id is not None:
                self.on_hotkey(hotkey_id)
        return False, 0


class WindowsHotkey(Hotkey):
    name = "windows"
    _next_id: ClassVar[int] = 1

    def __init__(self, sequence: str) -> None:
        super().__init__(sequence)
        self.hotkey_id = WindowsHotkey._next_id
        WindowsHotkey._next_id = WindowsHotkey._next_id % MAX_HOTKEY_ID + 1
        self._filter: _HotkeyFilter | None = None
        self._registered = False

    @staticmethod
    def is_available() -> bool:
        return sys.platform == "win32"

    def start(self) -> bool:
        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        hwnd, hotkey_id, modifiers, virtual_key = register_hotkey_args(self.combo, self.hotkey_id)
        if not user32.RegisterHotKey(hwnd, hotkey_id, modifiers, virtual_key):
            code = ctypes.get_last_error()  # type: ignore[attr-defined]
            if code == ERROR_HOTKEY_ALREADY_REGISTERED:
                return self.fail(Failure.TAKEN, "another application holds this hotkey")
            return self.fail(Failure.ERROR, f"RegisterHotKey failed (error {code})")
        self._registered = True
        self._filter = _HotkeyFilter(self._on_hotkey)
        app = QCoreApplication.instance()
        assert app is not None, "a QApplication must exist first"
        app.installNativeEventFilter(self._filter)
        return True

    def stop(self) -> None:
        if self._filter is not None:
            app = QCoreApplication.instance()
            if app is not None:
                app.removeNativeEventFilter(self._filter)
            self._filter = None
        if self._registered:
            ctypes.WinDLL("user32").UnregisterHotKey(None, self.hotkey_id)  # type: ignore[attr-defined]
            self._registered = False

    def _on_hotkey(self, hotkey_id: int) -> None:
        if hotkey_id == self.hotkey_id:
            self.activated.emit()
