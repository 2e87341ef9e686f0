"""The tray icon: Snip, Private snip, Show, Quit; with "keep running in the tray" the model stays warm."""

from __future__ import annotations

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

SNIP_ENTRY = "snip"  # the objectName of the menu's Snip entry, whose text names the global hotkey


def tray_menu(parent: QWidget, snip: QAction, private_snip: QAction, show: QAction, quit_: QAction) -> QMenu:
    """The tray's context menu (built apart from the icon so it exists where no tray does).

    Its entries trigger the window's actions but are entries of their own: a menu shows an
    action's shortcut beside it, and the window's Ctrl+Alt+S works only in the window, never
    from the tray's desktop. `show_global_hotkey` names the key that does work everywhere.
    """
    menu = QMenu(parent)
    for action in (snip, private_snip, show, None, quit_):  # private snip: never recorded in the history
        if action is None:
            menu.addSeparator()
            continue
        entry = menu.addAction(action.icon(), action.text())
        entry.setToolTip(action.toolTip())
        entry.triggered.connect(action.trigger)
        if action is snip:
            entry.setObjectName(SNIP_ENTRY)
            entry.setData(action.text())
    return menu


def show_global_hotkey(menu: QMenu, key: str) -> None:
    """Name the global snip hotkey `key` in the Snip entry ("" while none is held)."""
    entry = menu.findChild(QAction, SNIP_ENTRY)
    if entry is not None:
        text = str(entry.data())
        entry.setText(f"{text} (global hotkey {key})" if key else text)


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
