"""Key combinations as text ("Ctrl+Alt+S", Qt's portable key-sequence text) and their native codes.

Pure functions, no Qt and no platform API: each backend's translation is tested on any OS.
"""

from __future__ import annotations

from dataclasses import dataclass

MODIFIER_NAMES = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "shift": "shift",
    "alt": "alt",
    "option": "alt",
    "meta": "meta",
    "super": "meta",
    "win": "meta",
    "cmd": "ctrl",  # Qt's convention on macOS: Ctrl is the Command key, Meta is Control
    "command": "ctrl",
}
NAMED_KEYS = {
    "space": "Space",
    "tab": "Tab",
    "return": "Return",
    "enter": "Return",
    "esc": "Escape",
    "escape": "Escape",
    "backspace": "Backspace",
    "del": "Delete",
    "delete": "Delete",
    "ins": "Insert",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pgup": "PageUp",
    "pageup": "PageUp",
    "pgdown": "PageDown",
    "pagedown": "PageDown",
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "print": "Print",
    "pause": "Pause",
}


class HotkeyError(ValueError):
    """The text is not a hotkey this app can grab."""


@dataclass(frozen=True)
class KeyCombo:
    modifiers: frozenset[str]  # of "ctrl", "shift", "alt", "meta"
    key: str  # "A".."Z", "0".."9", "F1".."F24", or a NAMED_KEYS value

    def text(self) -> str:
        order = ("ctrl", "alt", "shift", "meta")
        names = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta"}
        return "+".join([names[m] for m in order if m in self.modifiers] + [self.key])


def parse_combo(text: str) -> KeyCombo:
    """'Ctrl+Alt+S' → KeyCombo; HotkeyError says what is wrong."""
    parts = [p.strip() for p in text.split("+") if p.strip()]
    if len(parts) < 2:
        raise HotkeyError(f"{text!r}: a hotkey needs a modifier and a key, e.g. Ctrl+Alt+S")
    modifiers = set()
    for part in parts[:-1]:
        if part.lower() not in MODIFIER_NAMES:
            raise HotkeyError(f"{text!r}: unknown modifier {part!r} (use Ctrl, Shift, Alt, Meta)")
        modifiers.add(MODIFIER_NAMES[part.lower()])
    return KeyCombo(frozenset(modifiers), _key_name(text, parts[-1]))


def _key_name(text: str, key: str) -> str:
    if len(key) == 1 and key.isascii() and key.isalnum():
        return key.upper()
    if key[0] in "fF" and key[1:].isdigit() and 1 <= int(key[1:]) <= 24:
        return f"F{int(key[1:])}"
    if key.lower() in NAMED_KEYS:
        return NAMED_KEYS[key.lower()]
    raise HotkeyError(f"{text!r}: unsupported key {key!r} (use a letter, digit, F1–F24 or a named key)")


# X11 keysym names (XStringToKeysym), also the key part of the XDG shortcuts spec's triggers.
_KEYSYMS = {
    "Space": "space",
    "Tab": "Tab",
    "Return": "Return",
    "Escape": "Escape",
    "Backspace": "BackSpace",
    "Delete": "Delete",
    "Insert": "Insert",
    "Home": "Home",
    "End": "End",
    "PageUp": "Prior",
    "PageDown": "Next",
    "Left": "Left",
    "Right": "Right",
    "Up": "Up",
    "Down": "Down",
    "Print": "Print",
    "Pause": "Pause",
}


def keysym_name(combo: KeyCombo) -> str:
    """The X keysym name of the key: 's', '5', 'F9', 'Prior'."""
    if len(combo.key) == 1:
        return combo.key.lower()
    return _KEYSYMS.get(combo.key, combo.key)


def xdg_trigger(combo: KeyCombo) -> str:
    """The portal's `preferred_trigger` (XDG shortcuts spec): 'CTRL+ALT+s'."""
    names = {"ctrl": "CTRL", "alt": "ALT", "shift": "SHIFT", "meta": "LOGO"}
    order = ("ctrl", "alt", "shift", "meta")
    return "+".join([names[m] for m in order if m in combo.modifiers] + [keysym_name(combo)])


# Windows: RegisterHotKey's fsModifiers and virtual-key codes (winuser.h).
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x0001, 0x0002, 0x0004, 0x0008, 0x4000
_WINDOWS_MODIFIERS = {"alt": MOD_ALT, "ctrl": MOD_CONTROL, "shift": MOD_SHIFT, "meta": MOD_WIN}
_VIRTUAL_KEYS = {
    "Backspace": 0x08,
    "Tab": 0x09,
    "Return": 0x0D,
    "Pause": 0x13,
    "Escape": 0x1B,
    "Space": 0x20,
    "PageUp": 0x21,
    "PageDown": 0x22,
    "End": 0x23,
    "Home": 0x24,
    "Left": 0x25,
    "Up": 0x26,
    "Right": 0x27,
    "Down": 0x28,
    "Print": 0x2C,
    "Insert": 0x2D,
    "Delete": 0x2E,
}


def windows_virtual_key(combo: KeyCombo) -> int:
    key = combo.key
    if len(key) == 1:
        return ord(key)  # VK_0..VK_9 and VK_A..VK_Z are the ASCII codes of '0'..'9', 'A'..'Z'
    if key.startswith("F") and key[1:].isdigit():
        return 0x70 + int(key[1:]) - 1  # VK_F1 = 0x70 .. VK_F24 = 0x87
    return _VIRTUAL_KEYS[key]


def windows_modifiers(combo: KeyCombo) -> int:
    """fsModifiers, with MOD_NOREPEAT: holding the keys down snips once."""
    mask = MOD_NOREPEAT
    for modifier in combo.modifiers:
        mask |= _WINDOWS_MODIFIERS[modifier]
    return mask


def register_hotkey_args(combo: KeyCombo, hotkey_id: int) -> tuple[None, int, int, int]:
    """RegisterHotKey(hWnd, id, fsModifiers, vk): no window, so WM_HOTKEY goes to the GUI thread."""
    return (None, hotkey_id, windows_modifiers(combo), windows_virtual_key(combo))


# macOS: Carbon's RegisterEventHotKey key codes (kVK_* in HIToolbox/Events.h) and modifiers.
CMD_KEY, SHIFT_KEY, OPTION_KEY, CONTROL_KEY = 0x0100, 0x0200, 0x0800, 0x1000
_CARBON_MODIFIERS = {"ctrl": CMD_KEY, "shift": SHIFT_KEY, "alt": OPTION_KEY, "meta": CONTROL_KEY}
_CARBON_KEYS = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07,
    "C": 0x08, "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10,
    "T": 0x11, "1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19,
    "7": 0x1A, "8": 0x1C, "0": 0x1D, "O": 0x1F, "U": 0x20, "I": 0x22, "P": 0x23, "L": 0x25,
    "J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E,
    "Return": 0x24, "Tab": 0x30, "Space": 0x31, "Backspace": 0x33, "Escape": 0x35,
    "F1": 0x7A, "F2": 0x78, "F3": 0x63, "F4": 0x76, "F5": 0x60, "F6": 0x61, "F7": 0x62,
    "F8": 0x64, "F9": 0x65, "F10": 0x6D, "F11": 0x67, "F12": 0x6F, "F13": 0x69, "F14": 0x6B,
    "F15": 0x71, "F16": 0x6A, "F17": 0x40, "F18": 0x4F, "F19": 0x50, "F20": 0x5A,
    "Insert": 0x72, "Home": 0x73, "PageUp": 0x74, "Delete": 0x75, "End": 0x77,
    "PageDown": 0x79, "Left": 0x7B, "Right": 0x7C, "Down": 0x7D, "Up": 0x7E,
}  # fmt: skip


def carbon_key_code(combo: KeyCombo) -> int:
    """The ANSI-layout key code (Carbon hotkeys name physical keys, not characters)."""
    try:
        return _CARBON_KEYS[combo.key]
    except KeyError:
        raise HotkeyError(f"{combo.text()}: macOS has no hotkey code for {combo.key}") from None


def carbon_modifiers(combo: KeyCombo) -> int:
    """Qt's macOS convention: Ctrl is ⌘ (cmdKey), Meta is ⌃ (controlKey), Alt is ⌥."""
    mask = 0
    for modifier in combo.modifiers:
        mask |= _CARBON_MODIFIERS[modifier]
    return mask


def register_event_hotkey_args(combo: KeyCombo, hotkey_id: int) -> tuple[int, int, int, int]:
    """RegisterEventHotKey(keyCode, modifiers, EventHotKeyID{signature, id}, …) as numbers."""
    return (carbon_key_code(combo), carbon_modifiers(combo), CARBON_SIGNATURE, hotkey_id)


CARBON_SIGNATURE = int.from_bytes(b"dOCR", "big")  # the OSType naming our hotkeys
