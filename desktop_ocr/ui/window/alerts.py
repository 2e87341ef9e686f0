"""A Wording shown: a status-bar line when quiet, else a warning box (with Settings… if offered)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QMessageBox

from ...core.failures import Wording


def say(
    window: QMainWindow,
    wording: Wording,
    open_settings: Callable[[], None],
    retry: Callable[[], None] | None = None,
) -> QMessageBox | None:
    """Show `wording`; the box it opened (window-modal, not waited for), or None.

    `retry`: a Retry button does it (a model that failed to download or load tries again)."""
    if wording.quiet:
        window.statusBar().showMessage(wording.message, 8000)
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning, wording.title, wording.message, QMessageBox.StandardButton.Close, window
    )
    box.setInformativeText(wording.hint)
    if wording.offer_settings:
        box.addButton("Settings…", QMessageBox.ButtonRole.ActionRole).clicked.connect(open_settings)
    if retry is not None:
        box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole).clicked.connect(retry)
    box.open()
    return box
