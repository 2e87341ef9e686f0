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
    qtbot, make_app, bus_address, notifications
):
    app = make_app(notify=True)
    bus = connect(bus_address)
    app.notifier.bus, app.notifier.use_dbus = bus, True
    app.tray = QSystemTrayIcon(QIcon())
    app.window.hide()  # in the tray; the hotkey snips twice
    app._snip_restore = False
    finished_ids = []
    for seed in (0, 1):
        with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
            app.snips.taken.emit(snipped(seed), None)
        finished_ids.append(done.args[0])
        assert not app.window.isVisible()  # it stays in the tray: the notification tells
    first, second = (app.records[i] for i in finished_ids)
    for record in (first, second):
        call = notifications.call("Notify")
        assert call["body"][3:5] == list(notification_text(record.transcript(), copied=False))
    assert app.current_record() is second
    with qtbot.waitSignal(app.notifier.clicked, timeout=5000):
        click(bus, 1)  # the fake numbers from 1: the first snip's notification
    assert app.window.isVisible()
    assert app.current_record() is first


def test_with_notifications_off_a_snip_from_the_tray_brings_the_window_back(qtbot, make_app):
    app = make_app(notify=False)
    app.tray = QSystemTrayIcon(QIcon())
    app.window.hide()
    app._snip_restore = False
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.snips.taken.emit(snipped(), None)
    assert app.window.isVisible() and app.current_record() is app.records[done.args[0]]


def test_no_notification_while_the_window_is_in_front(qtbot, make_app, bus_address, notifications, tmp_path):
    from tests.ui.conftest import write_noise

    app = make_app(notify=True)
    app.notifier.bus, app.notifier.use_dbus = connect(bus_address), True
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(app.answer_ended, timeout=120_000):
        app.add_paths([write_noise(tmp_path / "a.png")])
    # answer_ended comes after the notifier was asked, and Notify waits for the service's
    # reply (the fake prints a call before it answers): the first call it printed is this probe's.
    assert app.notifier.notify(-1, "probe") == "dbus"
    assert notifications.call("Notify")["body"][4] == "probe"


def test_notifications_turned_off_in_settings_bring_a_tray_snip_back(
    qtbot, make_app, bus_address, notifications
):
    app = make_app(notify=True)
    app.notifier.bus, app.notifier.use_dbus = connect(bus_address), True
    app.tray = QSystemTrayIcon(QIcon())
    app.apply_settings(app.settings.__class__(**{**app.settings.__dict__, "notify": False}))
    app.window.hide()
    app._snip_restore = False
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.snips.taken.emit(snipped(), None)
    assert app.window.isVisible() and app.current_record() is app.records[done.args[0]]
    app.notifier.enabled = True  # a probe: the first call the service saw is this one
    assert app.notifier.notify(-1, "probe") == "dbus"
    assert notifications.call("Notify")["body"][4] == "probe"


def _grab() -> ScreenGrab:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(20, 120, 200))
    return ScreenGrab("test", Rect(0, 0, 400, 300), 1.0, image)


def test_key_2_in_the_snip_asks_preset_2s_prompt(qtbot, make_app, monkeypatch):
    app = make_app()
    monkeypatch.setattr("desktop_ocr.ui.snip.flow.grab_screens", lambda _handler: [_grab()])
    app.snip()
    qtbot.waitUntil(lambda: app.snips.overlays is not None, timeout=10_000)
    overlays = app.snips.overlays
    overlay = overlays.overlays[0]
    qtbot.waitExposed(overlay)
    overlay.activateWindow()
    overlay.setFocus()
    assert overlay.banner.startswith("1 " + DEFAULT_PRESETS[0].name)
    qtbot.keyClick(overlay, Qt.Key.Key_2)
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
        qtbot.mouseMove(overlay, QPoint(150, 60))
        qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(150, 60))
    record = app.records[done.args[0]]
    assert record.question == DEFAULT_PRESETS[1].prompt
    assert record.turns[0].question == DEFAULT_PRESETS[1].prompt
    assert record.mode == DEFAULT_PRESETS[1].name


def test_the_mode_box_offers_presets_for_recognize_again(qtbot, app, tmp_path):
    from tests.ui.conftest import write_noise

    labels = [app.window.question.mode_box.itemText(i) for i in range(app.window.question.mode_box.count())]
    assert labels[-len(DEFAULT_PRESETS) :] == [p.name for p in DEFAULT_PRESETS]
    with qtbot.waitSignal(app.answer_ended, timeout=120_000):
        app.add_paths([write_noise(tmp_path / "a.png")])
    app.window.question.mode_box.setCurrentIndex(
        app.window.question.mode_box.findData(PRESET_PREFIX + DEFAULT_PRESETS[2].name)
    )
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.recognize_again()
    record = app.records[done.args[0]]
    assert record.turns[0].question == DEFAULT_PRESETS[2].prompt


def test_settings_switch_the_running_hotkey(qtbot, app):
    """Settings → hotkey → OK grabs the new key on the X server and lets the old one go."""
    from desktop_ocr.ui.platform.hotkeys import HotkeyController, start_hotkey
    from desktop_ocr.ui.platform.hotkeys.x11 import X11Hotkey
    from tests.ui.test_settings_dialog import ok_in_settings

    def held(sequence: str) -> bool:
        """Whether some client holds the key: another grab of it is refused."""
        other = X11Hotkey(sequence)
        free = other.start()
        other.stop()
        return not free

    first, second = "Ctrl+Alt+Shift+K", "Ctrl+Alt+Shift+L"  # as Qt writes them
    app.hotkeys = HotkeyController(lambda sequence: start_hotkey(sequence, forced="x11"))
    assert not held(first) and not held(second)
    ok_in_settings(app, lambda dialog: dialog.editor("hotkey").set_value(first))
    assert app.settings.hotkey == first and app.hotkeys.sequence == first
    assert held(first)  # grabbed, not just tried and released
    ok_in_settings(app, lambda dialog: dialog.editor("hotkey").set_value(second))
    assert held(second) and not held(first)
    ok_in_settings(app, lambda dialog: dialog.editor("hotkey").set_value(""))
    assert not held(second) and app.hotkeys.hotkey is None
