"""The tray icon: Snip, Private snip, Show, Quit; with "keep running in the tray" the model stays warm."""

from __future__ import annotations

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget


def tray_menu(parent: QWidget, snip: QAction, private_snip: QAction, show: QAction, quit_: QAction) -> QMenu:
    """The tray's context menu (built apart from the icon so it exists where no tray does)."""
    menu = QMenu(parent)
    menu.addAction(snip)
    menu.addAction(private_snip)  # a snip never recorded in the history
    menu.addAction(show)
    menu.addSeparator()
    menu.addAction(quit_)
    return menu


def create_tray(
    window: QWidget, icon: QIcon, snip: QAction, private_snip: QAction, show: QAction, quit_: QAction
) -> QSystemTrayIcon | None:
    """A tray icon where the platform has a tray (most desktops; not bare X servers)."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(icon, window)
    tray.setContextMenu(tray_menu(window, snip, private_snip, show, quit_))
    tray.setToolTip("desktop-ocr")
    tray.activated.connect(
        lambda reason: show.trigger() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
    )
    tray.show()
    return tray
