"""Settings → Privacy: keep history, how long, where; and where the API key is kept."""

from __future__ import annotations

from desktop_ocr.core.settings_store import Settings
from desktop_ocr.ui.settings.dialog import SettingsDialog


def test_the_privacy_settings_round_trip(qtbot) -> None:
    settings = Settings(keep_history=True, keep_days=30, keep_records=500, history_location="/data/ocr")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    result = dialog.result_settings()
    assert (result.keep_history, result.keep_days, result.keep_records, result.history_location) == (
        True, 30, 500, "/data/ocr",
    )  # fmt: skip
    dialog.editor("keep_history").input.setChecked(False)
    keep_days = dialog.editor("keep_days").input
    keep_days.setValue(0)
    assert not keep_days.isEnabled() and not dialog.editor("history_location").input.isEnabled()
    changed = dialog.result_settings()
    assert changed.keep_history is False and changed.keep_days == 0
    assert keep_days.text() == "forever"
    assert "settings file" in dialog.key_storage.text()  # the tests run with no keychain
