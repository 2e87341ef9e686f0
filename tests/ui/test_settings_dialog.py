"""The Settings dialog made from the settings table: every field a row, round trips, size, keys, flags."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from desktop_ocr.config import FIELDS, Settings, Widget, rows_of
from desktop_ocr.core.settings_store import load_settings, save_settings
from desktop_ocr.ui.settings.dialog import SIZE_KEY, SettingsDialog
from desktop_ocr.ui.settings.editors import editor_kinds
from tests.config.test_table import WithSharpen, different, other_value


def dialog_for(qtbot, settings: Settings, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(settings, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_every_widget_kind_has_an_editor_and_every_field_a_row(qtbot):
    assert set(editor_kinds()) == set(Widget)
    dialog = dialog_for(qtbot, Settings())
    assert list(dialog.editors) == [f.name for f in FIELDS]
    assert dialog.result_settings() == Settings()


def test_each_field_round_trips_through_its_widget(qtbot):
    """Set every row to another value: the dialog gives each back (a row left out keeps the default)."""
    dialog = dialog_for(qtbot, Settings())
    for f in FIELDS:
        dialog.editor(f.name).set_value(other_value(f))
    assert dialog.result_settings() == different()
    shown = dialog_for(qtbot, different())
    assert shown.result_settings() == different()  # and each row shows the value it is given


def test_each_field_round_trips_through_the_settings_file(tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    save_settings(store, different())
    assert load_settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)) == different()


def test_a_field_declared_in_the_table_gets_a_row_and_is_saved(qtbot, tmp_path):
    dialog = dialog_for(qtbot, WithSharpen())
    dialog.editor("sharpen").set_value(7)
    assert dialog.result_settings() == WithSharpen(sharpen=7)  # type: ignore[call-arg]
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    save_settings(store, dialog.result_settings())
    assert load_settings(store, WithSharpen).sharpen == 7  # type: ignore[attr-defined]
    assert [f.name for f in rows_of(WithSharpen)] == [*dialog.editors]


def test_the_dialog_fits_a_1366x768_screen_with_its_buttons_on_it(qtbot):
    dialog = dialog_for(qtbot, Settings())
    room = QSize(1366, 768 - 80)  # a title bar and a panel take the rest
    assert room.expandedTo(dialog.sizeHint()) == room
    assert room.expandedTo(dialog.fitted_size(QSize(10**5, 10**5))) == room  # every tab unscrolled
    dialog.show()
    qtbot.waitExposed(dialog)
    frame = dialog.frameGeometry()
    assert frame.width() <= 1366 and frame.height() <= 768
    screen = dialog.screen().availableGeometry()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    corner = ok.mapToGlobal(ok.rect().bottomRight())
    assert ok.isVisible() and screen.contains(corner)
    assert dialog.rect().contains(ok.mapTo(dialog, ok.rect().bottomRight()))
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Model", "General", "Snipping", "Server", "Privacy",
    ]  # fmt: skip


def test_every_check_box_says_its_whole_label_at_the_dialogs_size(qtbot):
    from PySide6.QtWidgets import QCheckBox

    dialog = dialog_for(qtbot, Settings())
    dialog.show()
    qtbot.waitExposed(dialog)
    seen = 0
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        for box in dialog.tabs.widget(index).findChildren(QCheckBox):
            if not box.isVisible():
                continue
            seen += 1
            right = box.mapTo(dialog, box.rect().topRight()).x()
            assert box.width() >= box.sizeHint().width() and right < dialog.width(), box.text()
    assert seen >= 5


def test_the_dialog_remembers_its_size(qtbot, tmp_path):
    state = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = dialog_for(qtbot, Settings(), state=state)
    first.show()
    first.resize(610, 430)
    first.reject()
    assert state.value(SIZE_KEY) == QSize(610, 430)
    again = dialog_for(qtbot, Settings(), state=state)
    assert again.size() == QSize(610, 430)
    assert load_settings(state) == Settings()  # the size is no setting


def test_the_hotkey_field_records_a_key_press(qtbot):
    dialog = dialog_for(qtbot, Settings())
    edit = dialog.editor("hotkey").input
    dialog.show()
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert dialog.result_settings().hotkey == "Ctrl+Alt+J"


def test_settings_open_with_ctrl_comma_and_the_platforms_key(qtbot, make_app, monkeypatch):
    window = make_app(wait_ready=False).window
    shortcuts = window.settings_action.shortcuts()
    assert QKeySequence("Ctrl+,") in shortcuts
    assert all(key in shortcuts for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences))
    opened = []
    window.settings_requested.disconnect()  # the App's modal dialog would wait for a person
    window.settings_requested.connect(lambda: opened.append(True))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]


@pytest.fixture
def started_with_flags(qtbot, tiny_model, tmp_path, monkeypatch):
    """A window started as `desktop-ocr --model TINY --max-new-tokens 24` over saved settings."""
    from desktop_ocr.cli import build_parser, flags_given
    from desktop_ocr.ui.startup import create_app

    ini = tmp_path / "settings.ini"
    monkeypatch.setenv("DESKTOP_OCR_SETTINGS", str(ini))
    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(tmp_path / "history"))
    saved = Settings(model="/saved/model", max_new_tokens=77, device="cpu", dtype="float32", notify=False)
    save_settings(QSettings(str(ini), QSettings.Format.IniFormat), saved)
    args = build_parser().parse_args(["--model", str(tiny_model), "--max-new-tokens", "24"])
    app = create_app(args, flags_given(args))
    qtbot.addWidget(app.window)
    yield app, ini
    app.shut_down()


def ok_in_settings(app, change=lambda dialog: None) -> None:
    """Settings…, then `change` in the dialog, then OK, as a person does."""

    def in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        change(dialog)
        dialog.accept()

    QTimer.singleShot(0, in_dialog)
    app.open_settings()


def test_ok_does_not_save_values_that_only_came_from_flags(started_with_flags, tiny_model):
    window, ini = started_with_flags  # the App: its settings are the ones in use
    assert (window.settings.model, window.settings.max_new_tokens) == (str(tiny_model), 24)
    ok_in_settings(window, lambda dialog: dialog.editor("auto_copy").set_value(True))
    saved = load_settings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert (saved.model, saved.max_new_tokens, saved.auto_copy) == ("/saved/model", 77, True)
    assert (window.settings.model, window.settings.max_new_tokens) == (str(tiny_model), 24)  # still in use
    ok_in_settings(window, lambda dialog: dialog.editor("max_new_tokens").set_value(30))
    saved = load_settings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert (saved.model, saved.max_new_tokens) == ("/saved/model", 30)  # changed in Settings: saved
    assert window.settings == replace(saved, model=str(tiny_model))
