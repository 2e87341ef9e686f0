"""The snip under Xvfb: pixel-exact crops at DPR 1, 2 and mixed, the overlay, and the handoff."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from desktop_ocr.capture.registry import CaptureError, grab_screens
from desktop_ocr.core.records import State
from desktop_ocr.ui.platform.tray import create_tray, show_global_hotkey, tray_menu
from desktop_ocr.ui.startup import handle_request
from tests.ui.snip_pixels import OFFSET, PATTERN, PatternWindow, qimage_rgb

SCRIPT = Path(__file__).with_name("snip_pixels.py")
ROOT = Path(__file__).resolve().parents[2]


def run_pixel_check(handler: str, env: dict[str, str]) -> list[dict]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), handler],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    checks = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, checks
    return checks


@pytest.mark.parametrize("handler", ["qt", "mss"])
def test_pixel_exact_at_dpr_1(handler):
    (check,) = run_pixel_check(handler, {})
    assert check["ratio"] == 1.0 and check["exact"]


@pytest.mark.parametrize("handler", ["qt", "mss"])
def test_pixel_exact_at_dpr_2(handler):
    (check,) = run_pixel_check(handler, {"QT_SCALE_FACTOR": "2"})
    assert check["ratio"] == 2.0 and check["exact"] and check["crop_size"] == [288, 148]


def _free_display() -> int:
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture(scope="module")
def two_monitors():
    """An Xvfb with two monitors: LEFT 1920×1080 and RIGHT 1280×1024 beside it."""
    assert shutil.which("Xvfb") and shutil.which("xrandr"), ".ci/run installs xvfb and x11-xserver-utils"
    number = _free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "3200x1080x24", "-noreset"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": f":{number}"}
    try:
        for _ in range(100):
            if subprocess.run(["xrandr", "--listmonitors"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(
            ["xrandr", "--setmonitor", "LEFT", "1920/508x1080/286+0+0", "screen"], env=env, check=True
        )
        subprocess.run(
            ["xrandr", "--setmonitor", "RIGHT", "1280/339x1024/271+1920+0", "none"], env=env, check=True
        )
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize("handler", ["qt", "mss"])
def test_pixel_exact_on_two_monitors_of_mixed_dpr(two_monitors, handler):
    checks = run_pixel_check(handler, {"DISPLAY": two_monitors, "QT_SCREEN_SCALE_FACTORS": "LEFT=1;RIGHT=2"})
    assert [(c["screen"], c["ratio"]) for c in checks] == [("LEFT", 1.0), ("RIGHT", 2.0)]
    assert checks[1]["geometry"] == [1920, 0, 640, 512]
    assert all(c["exact"] for c in checks)


@pytest.fixture
def pattern(qtbot):
    window = PatternWindow(1.0, seed=42)
    qtbot.addWidget(window)
    window.move(*OFFSET)
    window.show()
    qtbot.waitExposed(window)
    # Exposed is not yet painted on the X server: wait until a screen grab shows the pattern.
    qtbot.waitUntil(lambda: _shows_the_pattern(window), timeout=10_000)
    return window


def _shows_the_pattern(window: PatternWindow) -> bool:
    shot = QGuiApplication.primaryScreen().grabWindow(0, *OFFSET, *PATTERN).toImage()
    return np.array_equal(qimage_rgb(shot), window.pixels)


def overlay_of(qtbot, app):
    qtbot.waitUntil(lambda: app.snips.overlays is not None, timeout=10_000)
    overlay = app.snips.overlays.overlays[0]
    qtbot.waitExposed(overlay)
    return overlay


def drag(qtbot, overlay, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(overlay, end)
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=end)


def test_snip_end_to_end_the_engine_gets_exactly_those_pixels(qtbot, app, pattern):
    app.snip()
    assert not app.window.isVisible()  # hidden while snipping
    overlay = overlay_of(qtbot, app)
    with qtbot.waitSignal(app.snip_ended, timeout=10_000) as ended:
        drag(qtbot, overlay, QPoint(OFFSET[0] + 10, OFFSET[1] + 12), QPoint(OFFSET[0] + 130, OFFSET[1] + 52))
    assert ended.args == [True]
    assert app.window.isVisible()
    (item_id,) = app.records
    item = app.records[item_id]
    assert item.name == "snip 1"
    qtbot.waitUntil(lambda: item.state is State.DONE, timeout=60_000)
    assert np.array_equal(np.asarray(app.session.image(item_id)), pattern.pixels[12:52, 10:130])
    assert item.stats.original_size == (120, 40)
    assert app.window.view.pane.text == item.transcript() and item.transcript()


def test_escape_and_right_click_cancel(qtbot, app):
    for cancel in ("escape", "right-click"):
        app.snip()
        overlay = overlay_of(qtbot, app)
        with qtbot.waitSignal(app.snip_ended, timeout=10_000) as ended:
            if cancel == "escape":
                qtbot.keyClick(overlay, Qt.Key.Key_Escape)
            else:
                qtbot.mouseClick(overlay, Qt.MouseButton.RightButton, pos=QPoint(20, 20))
        assert ended.args == [False]
        assert app.records == {} and app.window.isVisible() and app.snips.overlays is None


def test_a_click_without_a_drag_keeps_waiting(qtbot, app):
    app.snip()
    overlay = overlay_of(qtbot, app)
    endings: list[bool] = []
    app.snip_ended.connect(endings.append)
    qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
    # The same overlays still take a selection: a drag after the click is what gets snipped.
    with qtbot.waitSignal(app.snip_ended, timeout=10_000):
        drag(qtbot, overlay, QPoint(40, 40), QPoint(140, 90))
    assert endings == [True]  # one snip, ended by the drag, not by the click
    (item,) = app.records.values()
    qtbot.waitUntil(lambda: item.state is State.DONE, timeout=60_000)
    assert item.stats.original_size == (100, 50)


def test_a_tiny_selection_still_gets_an_answer(qtbot, app, pattern):
    app.snip()
    overlay = overlay_of(qtbot, app)
    drag(qtbot, overlay, QPoint(OFFSET[0] + 5, OFFSET[1] + 5), QPoint(OFFSET[0] + 45, OFFSET[1] + 8))
    qtbot.waitUntil(lambda: len(app.records) == 1, timeout=10_000)
    item = next(iter(app.records.values()))
    qtbot.waitUntil(lambda: item.state is State.DONE, timeout=60_000)
    assert app.session.image(item.record_id).size == (40, 3)
    assert item.stats.visual_tokens >= 4


def test_unknown_handler_is_a_clear_error():
    with pytest.raises(CaptureError, match="unknown capture handler"):
        grab_screens("carrier-pigeon")


def test_grab_failure_shows_what_to_do(qtbot, make_app, monkeypatch):
    app = make_app(capture_handler="portal")  # no portal on a bare X server
    app.snip()
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=10_000)
    assert "cannot grab the screen" in app.window.error_box.text()
    assert app.window.isVisible()


def _wait_for(stream_lines: list[str], needle: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(needle in line for line in stream_lines):
            return
        if process.poll() is not None:
            raise AssertionError(f"exited early: {stream_lines}")
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} not seen in {stream_lines}")


def test_second_process_hands_the_snip_to_the_running_instance(tiny_model, tmp_path):
    import threading

    env = {
        **os.environ,
        "DESKTOP_OCR_INSTANCE": f"desktop-ocr-test-{uuid.uuid4().hex[:8]}",
        "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini"),
    }
    command = [sys.executable, "-m", "desktop_ocr", "--model", str(tiny_model), "--dtype", "float32"]
    first = subprocess.Popen([*command, "--verbose"], env=env, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(first.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        _wait_for(lines, "listening as", first, 60)
        second = subprocess.run([*command, "--snip"], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        _wait_for(lines, "'snip': True", first, 30)  # what that request does: the test below
        quit_ = subprocess.run(
            [sys.executable, "-m", "desktop_ocr", "--quit"], env=env, capture_output=True, timeout=60
        )
        assert quit_.returncode == 0
        assert first.wait(60) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert not any("Traceback" in line for line in lines), "".join(lines)


def test_a_handed_snip_request_opens_the_overlays(qtbot, app):
    app.window.show()
    handle_request(app, {"snip": True})
    overlay = overlay_of(qtbot, app)
    assert overlay.isVisible() and not app.window.isVisible()
    with qtbot.waitSignal(app.snip_ended, timeout=10_000) as ended:
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert ended.args == [False] and app.window.isVisible()


def test_quit_without_a_running_instance(tmp_path):
    env = {**os.environ, "DESKTOP_OCR_INSTANCE": f"desktop-ocr-none-{uuid.uuid4().hex[:8]}"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "--quit"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "no running instance" in result.stderr


def _tray_actions(app):
    window = app.window
    return window.snip_action, window.private_snip_action, window.show_action, window.quit_action


def test_tray_menu_holds_the_windows_actions_and_they_work(qtbot, app):
    snip, private_snip, show, quit_ = _tray_actions(app)
    menu = tray_menu(app.window, snip, private_snip, show, quit_)
    entries = menu.actions()
    named = [a for a in entries if not a.isSeparator()]
    assert [a.text() for a in named] == ["Snip", "Private snip", "Show", "Quit"]
    assert not snip.shortcut().isEmpty()
    # The window's keys work in the window only: the tray, on the desktop, names none of them.
    assert [a.shortcut().toString() for a in named] == ["", "", "", ""]
    assert entries[-2].isSeparator()  # Quit stands apart
    show_global_hotkey(menu, "Ctrl+Alt+Q")  # the key that does work everywhere, while held
    assert named[0].text() == "Snip (global hotkey Ctrl+Alt+Q)"
    show_global_hotkey(menu, "")
    assert named[0].text() == "Snip"
    app.window.hide()
    entries[2].trigger()  # Show
    assert app.window.isVisible()
    entries[0].trigger()  # Snip
    overlay = overlay_of(qtbot, app)
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.snips.overlays is None)


def test_create_tray_gives_an_icon_with_that_menu_where_a_tray_exists(qtbot, app, monkeypatch):
    # A bare X server has no tray; the icon and its menu are built the same way, so say it has one.
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    tray = create_tray(app.window, app.window.windowIcon(), *_tray_actions(app))
    assert tray is not None
    entries = [a.text() for a in tray.contextMenu().actions() if not a.isSeparator()]
    assert entries == [a.text() for a in _tray_actions(app)]
    app.window.hide()
    tray.activated.emit(QSystemTrayIcon.ActivationReason.Context)  # the menu, not the window
    assert not app.window.isVisible()
    tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)  # a click shows the window
    assert app.window.isVisible()
    tray.hide()


def test_no_tray_icon_where_the_platform_has_no_tray(app, monkeypatch):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    assert create_tray(app.window, app.window.windowIcon(), *_tray_actions(app)) is None


def test_keep_in_tray_hides_instead_of_quitting(qtbot, make_app):
    from PySide6.QtWidgets import QSystemTrayIcon

    app = make_app(keep_in_tray=True)
    app.tray = QSystemTrayIcon(app.window)  # a bare X server has no tray; the window logic is the same
    app.window.close()
    assert not app.window.isVisible()
    assert app.session.engine_thread.isRunning() and app.model_ready  # the model stays loaded
    app.window.show_action.trigger()
    assert app.window.isVisible()
    app.window.quit_action.trigger()
    assert not app.session.engine_thread.isRunning()
