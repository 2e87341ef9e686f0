"""Settings changed at run time: which changes need the model reloaded, and the dialog's round trip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from ...config import Settings, needs_reload
from ...core.session import RecognitionSession
from ...core.settings_store import save_settings
from ..history.panel import HistoryPanel
from ..platform.notifier import Notifier


def ask_settings(
    settings: Settings,
    parent: QWidget,
    apply_hotkey: Callable[[str], str | None] | None,
    state: QSettings | None = None,
) -> Settings | None:
    """The Settings dialog, modal; the settings the user accepted, or None. `state` keeps its size."""
    from .dialog import SettingsDialog  # its sections are only needed once it opens

    dialog = SettingsDialog(settings, parent, apply_hotkey=apply_hotkey, state=state)
    return dialog.result_settings() if dialog.exec() else None


def apply_settings(
    old: Settings,
    new: Settings,
    history: HistoryPanel,
    session: RecognitionSession,
    notifier: Notifier,
    store: QSettings | None,
    to_save: Settings | None = None,
) -> bool:
    """Hand `new` to the parts that read settings once (and save `to_save`, else `new`, to `store`).

    True when the model must be reloaded; the window re-shows what depends on the rest.
    """
    history.apply_settings(old, new)
    session.options = new.engine_options()
    notifier.enabled = new.notify
    if store is not None:
        save_settings(store, new if to_save is None else to_save)
    return needs_reload(old, new)
