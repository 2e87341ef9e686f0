"""The tray icon: Snip, Show, Quit; with "keep running in the tray" the model stays warm."""

from __future__ import annotations

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget


def create_tray(
    window: QWidget, icon: QIcon, snip: QAction, show: QAction, quit_: QAction
) -> QSystemTrayIcon | None:
    """A tray icon where the platform has a tray (most desktops; not bare X servers)."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(icon, window)
    menu = QMenu(window)
    menu.addAction(snip)
    menu.addAction(show)
    menu.addSeparator()
    menu.addAction(quit_)
    tray.setContextMenu(menu)
    tray.setToolTip("desktop-ocr")
    tray.activated.connect(
        lambda reason: show.trigger() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
    )
    tray.show()
    return tray
