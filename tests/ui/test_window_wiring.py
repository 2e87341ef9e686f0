"""The features built beside the window, wired into it: notifications, presets, the hotkey."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QSystemTrayIcon

from desktop_ocr.capture.geometry import Rect, ScreenGrab
from desktop_ocr.engine.presets import DEFAULT_PRESETS
from desktop_ocr.ui.platform.notifier import notification_text
from desktop_ocr.ui.window.question_box import PRESET_PREFIX
from tests.ui.dbus_session import connect
from tests.ui.test_notifier import click


def snipped(seed: int = 0) -> QImage:
    image = QImage(240, 60, QImage.Format.Format_RGB32)
    image.fill(QColor(30 + seed * 40, 200, 90))
    return image


def test_a_snip_from_the_tray_notifies_and_the_click_opens_that_answer(
    qtbot, make_window, bus_address, notifications
):
    window = make_window(notify=True)
    bus = connect(bus_address)
    window.notifier.bus, window.notifier.use_dbus = bus, True
    window.tray = QSystemTrayIcon(QIcon())
    window.hide()  # in the tray; the hotkey snips twice
    window.snipping.restore_after = False
    finished_ids = []
    for seed in (0, 1):
        with qtbot.waitSignal(window.answer_finished, timeout=120_000) as done:
            window.snips.taken.emit(snipped(seed), None)
        finished_ids.append(done.args[0])
        assert not window.isVisible()  # it stays in the tray: the notification tells
    first, second = (window.items[i] for i in finished_ids)
    for record in (first, second):
        call = notifications.call("Notify")
        assert call["body"][3:5] == list(notification_text(record.transcript(), copied=False))
    assert window.current_item() is second
    with qtbot.waitSignal(window.notifier.clicked, timeout=5000):
        click(bus, 1)  # the fake numbers from 1: the first snip's notification
    assert window.isVisible()
    assert window.current_item() is first


def test_with_notifications_off_a_snip_from_the_tray_brings_the_window_back(qtbot, make_window):
    window = make_window(notify=False)
    window.tray = QSystemTrayIcon(QIcon())
    window.hide()
    window.snipping.restore_after = False
    with qtbot.waitSignal(window.answer_finished, timeout=120_000) as done:
        window.snips.taken.emit(snipped(), None)
    assert window.isVisible() and window.current_item() is window.items[done.args[0]]


def test_no_notification_while_the_window_is_in_front(
    qtbot, make_window, bus_address, notifications, tmp_path
):
    from tests.ui.conftest import write_noise

    window = make_window(notify=True)
    window.notifier.bus, window.notifier.use_dbus = connect(bus_address), True
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(window.answer_finished, timeout=120_000):
        window.add_paths([write_noise(tmp_path / "a.png")])
    assert notifications.next(0.5) is None
    window.apply_settings(window.settings.__class__(**{**window.settings.__dict__, "notify": False}))
    assert window.notifier.enabled is False


def _grab() -> ScreenGrab:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(20, 120, 200))
    return ScreenGrab("test", Rect(0, 0, 400, 300), 1.0, image)


def test_key_2_in_the_snip_asks_preset_2s_prompt(qtbot, make_window, monkeypatch):
    window = make_window()
    monkeypatch.setattr("desktop_ocr.ui.snip.flow.grab_screens", lambda _handler: [_grab()])
    window.start_snip()
    qtbot.waitUntil(lambda: window.snip_session is not None, timeout=10_000)
    overlays = window.snip_session
    overlay = overlays.overlays[0]
    qtbot.waitExposed(overlay)
    overlay.activateWindow()
    overlay.setFocus()
    assert overlay.banner.startswith("1 " + DEFAULT_PRESETS[0].name)
    qtbot.keyClick(overlay, Qt.Key.Key_2)
    with qtbot.waitSignal(window.answer_finished, timeout=120_000) as done:
        qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
        qtbot.mouseMove(overlay, QPoint(150, 60))
        qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(150, 60))
    record = window.items[done.args[0]]
    assert record.question == DEFAULT_PRESETS[1].prompt
    assert record.turns[0].question == DEFAULT_PRESETS[1].prompt
    assert record.mode == DEFAULT_PRESETS[1].name


def test_the_mode_box_offers_presets_for_recognize_again(qtbot, window, tmp_path):
    from tests.ui.conftest import write_noise

    labels = [window.mode_box.itemText(i) for i in range(window.mode_box.count())]
    assert labels[-len(DEFAULT_PRESETS) :] == [p.name for p in DEFAULT_PRESETS]
    with qtbot.waitSignal(window.answer_finished, timeout=120_000):
        window.add_paths([write_noise(tmp_path / "a.png")])
    window.mode_box.setCurrentIndex(window.mode_box.findData(PRESET_PREFIX + DEFAULT_PRESETS[2].name))
    with qtbot.waitSignal(window.answer_finished, timeout=120_000) as done:
        window.recognize_again()
    record = window.items[done.args[0]]
    assert record.turns[0].question == DEFAULT_PRESETS[2].prompt


def test_settings_get_the_hotkey_controller(qtbot, window, monkeypatch):
    from desktop_ocr.ui.platform.hotkeys import HotkeyController
    from desktop_ocr.ui.settings import dialog as settings_dialog

    window.hotkeys = HotkeyController()
    given = {}

    class Dialog:
        def __init__(self, settings, parent=None, apply_hotkey=None, state=None):
            given["apply_hotkey"] = apply_hotkey

        def exec(self):
            return 0

    monkeypatch.setattr(settings_dialog, "SettingsDialog", Dialog)
    window.open_settings()
    assert given["apply_hotkey"] == window.hotkeys.apply
