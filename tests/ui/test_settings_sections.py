"""The Settings dialog's hotkey and preset editors, and the notification switch."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTableWidgetItem

from desktop_ocr.core.settings_store import Settings
from desktop_ocr.engine.presets import DEFAULT_PRESETS, Preset, parse
from desktop_ocr.ui.platform.hotkeys.x11 import X11Hotkey
from desktop_ocr.ui.settings.dialog import SettingsDialog


def dialog_for(qtbot, settings: Settings, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(settings, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_a_taken_key_is_reported_and_the_previous_one_kept(qtbot, monkeypatch):
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    other_app = X11Hotkey("Ctrl+Shift+Alt+H")
    assert other_app.start()
    try:
        dialog = dialog_for(qtbot, Settings(hotkey="Ctrl+Shift+Alt+J"))
        hotkey = dialog.editor("hotkey")
        hotkey.set_value("Ctrl+Shift+Alt+H")
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted
        message = hotkey.message.text()  # Qt writes the modifiers in its own order
        assert "another application" in message and "kept Ctrl+Alt+Shift+J" in message
        assert hotkey.value() == "Ctrl+Alt+Shift+J"
        hotkey.set_value("Ctrl+Shift+Alt+K")  # free: grabbed, released, accepted
        dialog.accept()
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.result_settings().hotkey == "Ctrl+Alt+Shift+K"
    finally:
        other_app.stop()


def test_the_running_apps_controller_switches_the_key(qtbot):
    applied = []

    def apply(sequence: str) -> str | None:
        applied.append(sequence)
        return None if sequence == "Ctrl+Alt+O" else "Ctrl+Alt+X: the desktop portal has no global shortcuts"

    dialog = dialog_for(qtbot, Settings(hotkey=""), apply_hotkey=apply)
    hotkey = dialog.editor("hotkey")
    hotkey.set_value("Ctrl+Alt+X")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "no global shortcuts" in hotkey.message.text()
    assert hotkey.value() == ""
    hotkey.set_value("Ctrl+Alt+O")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and applied == ["Ctrl+Alt+X", "Ctrl+Alt+O"]


def test_notify_setting(qtbot):
    dialog = dialog_for(qtbot, Settings(notify=True))
    assert dialog.result_settings().notify
    dialog.editor("notify").input.setChecked(False)
    assert not dialog.result_settings().notify


def test_presets_table_edits(qtbot):
    dialog = dialog_for(qtbot, Settings())
    section = dialog.editor("presets")
    assert section.presets() == list(DEFAULT_PRESETS)
    section.add()
    row = section.table.rowCount() - 1
    section.table.setItem(row, 0, QTableWidgetItem("Summarise"))
    section.table.setItem(row, 1, QTableWidgetItem("Summarise this in three bullet points."))
    section.table.setCurrentCell(row, 0)
    section.move(-1)
    names = [p.name for p in section.presets()]
    assert names == ["Translate to English", "Explain this error", "Summarise", "Table as CSV"]
    section.table.setCurrentCell(0, 0)
    section.remove()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = parse(dialog.result_settings().presets)
    assert saved[1] == Preset("Summarise", "Summarise this in three bullet points.")
    assert len(saved) == 3


def test_unusable_presets_keep_the_dialog_open(qtbot):
    dialog = dialog_for(qtbot, Settings())
    section = dialog.editor("presets")
    section.table.setItem(1, 0, QTableWidgetItem("translate TO english"))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "two presets are named" in section.message.text()
    section.set_presets(DEFAULT_PRESETS)
    section.add()  # an empty row is skipped, not an error
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_fixed_preset_takes_its_complaint_away_before_ok(qtbot):
    dialog = dialog_for(qtbot, Settings())
    section = dialog.editor("presets")
    section.table.setItem(1, 0, QTableWidgetItem("translate TO english"))
    dialog.accept()
    assert not section.message.isHidden() and "two presets are named" in section.message.text()
    section.table.setItem(1, 0, QTableWidgetItem("Explain it"))  # the repeat renamed: nothing wrong now
    assert section.message.text() == "" and section.message.isHidden()


def test_preset_names_are_shown_whole(qtbot):
    dialog = dialog_for(qtbot, Settings())
    dialog.show()
    table = dialog.editor("presets").table
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        name = table.item(row, 0).text()
        assert table.columnWidth(0) > metrics.horizontalAdvance(name), name
