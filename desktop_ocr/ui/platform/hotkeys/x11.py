"""The X11 backend: XGrabKey on the root window through Xlib (ctypes), no extra package.

Under XWayland a grab only sees keys while an X11 window has focus: Wayland sessions use the
portal backend first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import select
import threading

from PySide6.QtGui import QGuiApplication

from .base import Failure, Hotkey
from .keys import HotkeyError, KeyCombo, keysym_name, parse_combo

SHIFT, LOCK, CONTROL, MOD1, MOD2, MOD4 = 1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 6
MODIFIERS = {"ctrl": CONTROL, "shift": SHIFT, "alt": MOD1, "meta": MOD4}
KEY_PRESS = 2
GRAB_MODE_ASYNC = 1


def x11_grab(combo: KeyCombo) -> tuple[int, str]:
    """(X modifier mask, X keysym name) for XGrabKey."""
    mask = 0
    for modifier in combo.modifiers:
        mask |= MODIFIERS[modifier]
    return mask, keysym_name(combo)


def parse_hotkey(text: str) -> tuple[int, str]:
    """'Ctrl+Alt+S' → (X modifier mask, X keysym name); HotkeyError when it is no hotkey."""
    return x11_grab(parse_combo(text))


__all__ = ["HotkeyError", "X11Hotkey", "parse_hotkey", "x11_grab"]


_ERROR_HANDLER_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_grab_errors: list[int] = []
_grab_lock = threading.Lock()  # Xlib's error handler is process-wide: one grab at a time


@_ERROR_HANDLER_TYPE
def _record_error(_display: int, _event: int) -> int:
    """BadAccess while grabbing: another client holds the combination. Kept alive for good."""
    _grab_errors.append(1)
    return 0


class _XEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("pad", ctypes.c_long * 24)]


class X11Hotkey(Hotkey):
    """Grabs one key combination on the X root window; `activated` fires on each press.

    The grab lives on a thread of its own with its own X connection; the signal crosses to
    the GUI thread as a queued connection.
    """

    name = "x11"

    def __init__(self, sequence: str) -> None:
        super().__init__(sequence)
        self.mask, self.key = x11_grab(self.combo)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._taken = False

    @staticmethod
    def is_available() -> bool:
        return QGuiApplication.platformName() == "xcb"

    def start(self) -> bool:
        """Grab the key; False (with `error` set) if X is missing or another app holds it."""
        self._thread = threading.Thread(target=self._run, name="x11-hotkey", daemon=True)
        self._thread.start()
        self._ready.wait(5)
        if self.error:
            return self.fail(Failure.TAKEN if self._taken else Failure.ERROR, self.error)
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None

    def _run(self) -> None:
        name = ctypes.util.find_library("X11")
        if not name:
            self.error = "libX11 not found"
            self._ready.set()
            return
        x = ctypes.cdll.LoadLibrary(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XStringToKeysym.restype = ctypes.c_ulong
        x.XStringToKeysym.argtypes = [ctypes.c_char_p]
        x.XKeysymToKeycode.restype = ctypes.c_ubyte
        x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XGrabKey.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
        ]
        x.XUngrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XSetErrorHandler.restype = ctypes.c_void_p  # a function pointer: never truncate it
        x.XSetErrorHandler.argtypes = [ctypes.c_void_p]
        display = x.XOpenDisplay(None)
        if not display:
            self.error = "cannot open the X display"
            self._ready.set()
            return
        root = x.XDefaultRootWindow(display)
        keycode = x.XKeysymToKeycode(display, x.XStringToKeysym(self.key.encode()))
        variants = [self.mask | extra for extra in (0, LOCK, MOD2, LOCK | MOD2)]  # Caps/Num Lock
        failed = False
        if keycode:
            with _grab_lock:
                _grab_errors.clear()
                previous = x.XSetErrorHandler(ctypes.cast(_record_error, ctypes.c_void_p))
                for mask in variants:
                    x.XGrabKey(display, keycode, mask, root, 1, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC)
                x.XSync(display, 0)
                x.XSetErrorHandler(previous)
                failed = bool(_grab_errors)
        if not keycode or failed:
            self._taken = failed
            self.error = "no such key" if not keycode else "another application holds this hotkey"
            x.XCloseDisplay(display)
            self._ready.set()
            return
        self._ready.set()
        descriptor = x.XConnectionNumber(display)
        event = _XEvent()
        while not self._stop.is_set():
            # Xlib may already hold queued events that select() cannot see: drain first.
            while x.XPending(display):
                x.XNextEvent(display, ctypes.byref(event))
                if event.type == KEY_PRESS:
                    self.activated.emit()
            select.select([descriptor], [], [], 0.2)
        for mask in variants:
            x.XUngrabKey(display, keycode, mask, root)
        x.XSync(display, 0)
        x.XCloseDisplay(display)
