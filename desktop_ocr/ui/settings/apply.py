"""Settings changed at run time: which changes need the model reloaded, and the dialog's round trip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from ...core.session import RecognitionSession
from ...core.settings_store import Settings, save_settings
from ..history.panel import HistoryPanel
from ..platform.notifier import Notifier


def backend_of(settings: Settings) -> tuple[object, ...]:
    """Everything that picks the backend and its weights: a change here means a reload."""
    engine = settings.engine_options()
    return (
        engine.model,
        settings.device,
        settings.dtype,
        engine.backend,
        engine.weights,
        engine.compile_decode,
        settings.server_options(),
    )


def needs_reload(old: Settings, new: Settings) -> bool:
    return backend_of(new) != backend_of(old)


def ask_settings(
    settings: Settings, parent: QWidget, apply_hotkey: Callable[[str], str | None] | None
) -> Settings | None:
    """The Settings dialog, modal; the settings the user accepted, or None."""
    from .dialog import SettingsDialog  # its sections are only needed once it opens

    dialog = SettingsDialog(settings, parent, apply_hotkey=apply_hotkey)
    return dialog.result_settings() if dialog.exec() else None


def apply_settings(
    old: Settings,
    new: Settings,
    history: HistoryPanel,
    session: RecognitionSession,
    notifier: Notifier,
    store: QSettings | None,
) -> bool:
    """Hand `new` to the parts that read settings once (and save it to `store` if given).

    True when the model must be reloaded; the window re-shows what depends on the rest.
    """
    history.apply_settings(old, new)
    session.options = new.engine_options()
    notifier.enabled = new.notify
    if store is not None:
        save_settings(store, new)
    return needs_reload(old, new)
