"""The macOS backend: Carbon's RegisterEventHotKey through ctypes, no extra package.

Carbon hotkeys still work in Cocoa apps (Qt's event loop dispatches them to the application
event target) and need no Accessibility permission. InstallEventHandler takes a C callback:
a ctypes CFUNCTYPE, kept alive on the instance. Only the key and modifier mapping and the
registration arguments are tested (keys.py); this file runs on macOS only.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, ClassVar

from .base import Failure, Hotkey
from .keys import CARBON_SIGNATURE, HotkeyError, register_event_hotkey_args

CARBON = "/System/Library/Frameworks/Carbon.framework/Carbon"
K_EVENT_CLASS_KEYBOARD = int.from_bytes(b"keyb", "big")
K_EVENT_HOTKEY_PRESSED = 5
K_EVENT_PARAM_DIRECT_OBJECT = int.from_bytes(b"----", "big")
TYPE_EVENT_HOTKEY_ID = int.from_bytes(b"hkid", "big")
EVENT_HOTKEY_EXISTS_ERR = -9878
EVENT_NOT_HANDLED_ERR = -9874  # lets the next handler (another of our hotkeys) see the event


class EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


class EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


# OSStatus (*EventHandlerProcPtr)(EventHandlerCallRef, EventRef, void *userData)
EVENT_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class MacHotkey(Hotkey):
    name = "macos"
    _next_id: ClassVar[int] = 1

    def __init__(self, sequence: str) -> None:
        super().__init__(sequence)
        self.hotkey_id = MacHotkey._next_id
        MacHotkey._next_id += 1
        self._carbon: Any = None
        self._handler_ref = ctypes.c_void_p()
        self._hotkey_ref = ctypes.c_void_p()
        self._callback = EVENT_HANDLER(self._on_event)  # must outlive the registration

    @staticmethod
    def is_available() -> bool:
        return sys.platform == "darwin"

    def start(self) -> bool:
        try:
            key_code, modifiers, signature, hotkey_id = register_event_hotkey_args(self.combo, self.hotkey_id)
        except HotkeyError as error:
            return self.fail(Failure.ERROR, str(error))
        try:
            carbon = ctypes.CDLL(CARBON)
        except OSError as error:
            return self.fail(Failure.UNSUPPORTED, f"Carbon is missing: {error}")
        carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        carbon.InstallEventHandler.argtypes = [
            ctypes.c_void_p,
            EVENT_HANDLER,
            ctypes.c_uint32,
            ctypes.POINTER(EventTypeSpec),
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_void_p),
        ]
        carbon.RegisterEventHotKey.argtypes = [
            ctypes.c_uint32,
            ctypes.c_uint32,
            EventHotKeyID,
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.POINTER(ctypes.c_void_p),
        ]
        carbon.GetEventParameter.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        target = carbon.GetApplicationEventTarget()
        spec = EventTypeSpec(K_EVENT_CLASS_KEYBOARD, K_EVENT_HOTKEY_PRESSED)
        status = carbon.InstallEventHandler(
            target, self._callback, 1, ctypes.byref(spec), None, ctypes.byref(self._handler_ref)
        )
        if status != 0:
            return self.fail(Failure.ERROR, f"InstallEventHandler failed ({status})")
        status = carbon.RegisterEventHotKey(
            key_code,
            modifiers,
            EventHotKeyID(signature, hotkey_id),
            target,
            0,
            ctypes.byref(self._hotkey_ref),
        )
        self._carbon = carbon
        if status != 0:
            self.stop()
            if status == EVENT_HOTKEY_EXISTS_ERR:
                return self.fail(Failure.TAKEN, "another application holds this hotkey")
            return self.fail(Failure.ERROR, f"RegisterEventHotKey failed ({status})")
        return True

    def stop(self) -> None:
        if self._carbon is None:
            return
        if self._hotkey_ref.value:
            self._carbon.UnregisterEventHotKey(self._hotkey_ref)
            self._hotkey_ref = ctypes.c_void_p()
        if self._handler_ref.value:
            self._carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()
        self._carbon = None

    def _on_event(self, _call_ref: int, event: int, _user_data: int) -> int:
        hotkey = EventHotKeyID()
        status = self._carbon.GetEventParameter(
            event,
            K_EVENT_PARAM_DIRECT_OBJECT,
            TYPE_EVENT_HOTKEY_ID,
            None,
            ctypes.sizeof(hotkey),
            None,
            ctypes.byref(hotkey),
        )
        if status == 0 and hotkey.signature == CARBON_SIGNATURE and hotkey.id == self.hotkey_id:
            self.activated.emit()
            return 0
        return EVENT_NOT_HANDLED_ERR
