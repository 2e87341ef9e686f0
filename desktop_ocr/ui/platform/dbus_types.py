"""The two D-Bus values PySide6 cannot write by itself: a plain `u` and an array of structs.

PySide6 exposes one of QDBusArgument's integer `<<` overloads (it writes `q`, uint16) and no
qDBusRegisterMetaType, yet org.freedesktop.Notifications wants `replaces_id` as `u` and the
GlobalShortcuts portal wants its shortcuts as `a(sa{sv})`; servers built on GDBus reject any
other signature. Both are one call into libQt6DBus's public C++ API through ctypes (the
library is already loaded by QtDBus); where that fails, `DBusTypeError` says so.
"""

from __future__ import annotations

import ctypes
from typing import Any

from PySide6.QtCore import QByteArray, QMetaType
from PySide6.QtDBus import QDBusArgument

_LIBRARY = "libQt6DBus.so.6"
_APPEND_UINT = "_ZN13QDBusArgumentlsEj"  # QDBusArgument &QDBusArgument::operator<<(uint)
_REGISTER_TYPE = "_ZN13QDBusMetaType18registerCustomTypeE9QMetaTypeRK10QByteArray"
# A Qt type nothing here sends over D-Bus; it lends its id to the struct signature we need.
_CARRIER = QMetaType.Type.QVariantPair

_registered: dict[str, QMetaType] = {}


class DBusTypeError(RuntimeError):
    """This Qt build cannot write the value (no libQt6DBus symbol, or not on Linux)."""


def _library() -> ctypes.CDLL:
    try:
        return ctypes.CDLL(_LIBRARY)  # the copy QtDBus already loaded (matched by soname)
    except OSError as error:
        raise DBusTypeError(f"cannot reach {_LIBRARY}: {error}") from None


def _address(qt_object: Any) -> int:
    import shiboken6

    return int(shiboken6.getCppPointer(qt_object)[0])


def uint32(value: int) -> QDBusArgument:
    """A QDBusArgument holding `value` as D-Bus `u`."""
    if not 0 <= value < 2**32:
        raise ValueError(f"{value} does not fit a D-Bus uint32")
    try:
        append = _library()[_APPEND_UINT]
    except AttributeError as error:
        raise DBusTypeError(str(error)) from None
    append.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    append.restype = ctypes.c_void_p
    argument = QDBusArgument()
    append(_address(argument), value)
    return argument


def _struct_type(signature: str) -> QMetaType:
    """A meta type that QtDBus maps to the struct `signature` (registered once per process)."""
    if signature in _registered:
        return _registered[signature]
    if _registered:
        raise DBusTypeError("only one struct signature can be registered")
    try:
        register = _library()[_REGISTER_TYPE]
    except AttributeError as error:
        raise DBusTypeError(str(error)) from None
    register.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    register.restype = None
    carrier = QMetaType(_CARRIER)
    # QMetaType is one pointer (its interface) and is passed by value in a register.
    interface = ctypes.c_void_p.from_address(_address(carrier)).value
    encoded = QByteArray(signature.encode())  # kept alive across the call
    register(interface, _address(encoded))
    _registered[signature] = carrier
    return carrier


def struct_array(signature: str, items: list[list[Any]]) -> QDBusArgument:
    """An array of structs of `signature` such as "(sa{sv})"; each item lists its fields.

    Fields are written as QVariants: str → s, dict → a{sv}, bool → b, float → d.
    """
    element = _struct_type(signature)
    argument = QDBusArgument()
    argument.beginArray(element)
    for fields in items:
        argument.beginStructure()
        for value in fields:
            argument.appendVariant(value)
        argument.endStructure()
    argument.endArray()
    if argument.currentSignature() != f"a{signature}":
        raise DBusTypeError(f"wrote {argument.currentSignature()!r}, not 'a{signature}'")
    return argument
