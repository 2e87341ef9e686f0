"""The main window's size and place, kept in the settings file between runs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

KEY = "window/geometry"  # not a Settings field: never shown in, or saved by, the Settings dialog


def restore(window: QWidget, store: QSettings) -> None:
    saved = store.value(KEY)
    if isinstance(saved, (QByteArray, bytes)) and saved:
        window.restoreGeometry(QByteArray(saved))


def remember(window: QWidget, store: QSettings) -> None:
    store.setValue(KEY, window.saveGeometry())
    store.sync()
