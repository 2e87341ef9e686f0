"""The server API key in the system keychain (keyring), with the settings file as the said fallback."""

from __future__ import annotations

import contextlib
from types import ModuleType

SERVICE = "desktop-ocr"
ACCOUNT = "api-key"


def _keyring() -> ModuleType:
    """Imported when needed: keyring scans its backends at import."""
    import keyring

    return keyring


def keychain_name() -> str | None:
    """The keychain in use (e.g. "SecretService Keyring"), or None when there is none."""
    try:
        backend = _keyring().get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring install is "no keychain"
        return None
    from keyring.backends import fail

    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return str(getattr(backend, "name", type(backend).__name__))


def read_api_key() -> str | None:
    """The key saved in the keychain; None when there is none (or no keychain)."""
    try:
        return _keyring().get_password(SERVICE, ACCOUNT) or None
    except Exception:  # noqa: BLE001 - locked, absent or broken keychains all mean "not there"
        return None


def write_api_key(key: str) -> bool:
    """Save (or, when empty, forget) the key in the keychain; False when there is no usable keychain."""
    keyring = _keyring()
    try:
        if key:
            keyring.set_password(SERVICE, ACCOUNT, key)
            return True
        with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing was saved
            keyring.delete_password(SERVICE, ACCOUNT)
        return True
    except Exception:  # noqa: BLE001 - every failure means: keep it in the settings file
        return False


def where_api_key_lives() -> str:
    """One line for the Settings dialog."""
    name = keychain_name()
    if name:
        return f"The API key is kept in the system keychain ({name})."
    return "No system keychain found: the API key is kept in the settings file, readable as plain text."
