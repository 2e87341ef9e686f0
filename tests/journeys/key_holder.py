"""Another application that holds a global key: `python key_holder.py KEYSYM` on $DISPLAY.

Grabs Ctrl+Alt+KEYSYM on the X root window (XGrabKey, with and without Caps/Num Lock, as
hotkey tools do), prints "held" once the X server has taken the grab, and keeps it until its
stdin closes. Plain Xlib through ctypes, none of the app's code.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

CONTROL, MOD1, LOCK, MOD2 = 1 << 2, 1 << 3, 1 << 1, 1 << 4
GRAB_MODE_ASYNC = 1


def main() -> int:
    x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XStringToKeysym.restype = ctypes.c_ulong
    x.XStringToKeysym.argtypes = [ctypes.c_char_p]
    x.XKeysymToKeycode.restype = ctypes.c_ubyte
    x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XGrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong] + [ctypes.c_int] * 3
    x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    display = x.XOpenDisplay(None)
    assert display, "no X display"
    root = x.XDefaultRootWindow(display)
    keycode = x.XKeysymToKeycode(display, x.XStringToKeysym(sys.argv[1].encode()))
    assert keycode, f"no key {sys.argv[1]}"
    for extra in (0, LOCK, MOD2, LOCK | MOD2):
        x.XGrabKey(display, keycode, CONTROL | MOD1 | extra, root, 1, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC)
    x.XSync(display, 0)  # a BadAccess would end this process (Xlib's default error handler)
    print("held", flush=True)
    sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
