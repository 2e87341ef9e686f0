"""The settings file (QSettings): a thin adaptor that saves and reads the table's fields.

The table itself, the Settings type and the flags live in desktop_ocr.config (no Qt)."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings

from .. import secrets
from ..config import Settings, checked, read_value, rows_of

__all__ = ["APPLICATION", "ORGANIZATION", "Settings", "load_settings", "save_settings", "settings_store"]

ORGANIZATION = "desktop-ocr"
APPLICATION = "desktop-ocr"
SETTINGS_ENV = "DESKTOP_OCR_SETTINGS"


def settings_store() -> QSettings:
    """The user's settings file ($DESKTOP_OCR_SETTINGS overrides where, for tests)."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def load_settings(store: QSettings, table: type[Settings] = Settings) -> Settings:
    """Saved values, falling back to the defaults for missing or unreadable ones.

    A secret (the API key) comes from the system keychain; one still in the file is moved there."""
    values: dict[str, Any] = {}
    for f in rows_of(table):
        try:
            values[f.name] = read_value(f, store.value(f.name, f.default))
        except ValueError:
            values[f.name] = f.default
        if f.spec.secret:
            values[f.name] = _load_secret(store, f.name, values[f.name])
    return checked(values, table)


def save_settings(store: QSettings, settings: Settings) -> None:
    """Write every setting; a secret goes to the keychain, or to the file where there is none."""
    for f in rows_of(type(settings)):
        value = getattr(settings, f.name)
        if f.spec.secret and secrets.write_api_key(value):
            store.remove(f.name)
        else:
            store.setValue(f.name, value)
    store.sync()


def _load_secret(store: QSettings, key: str, in_file: str) -> str:
    if in_file:
        # Saved by an older version, or while there was no keychain: move it out of the file.
        if secrets.write_api_key(in_file):
            store.remove(key)
            store.sync()
        return in_file
    return secrets.read_api_key() or ""
