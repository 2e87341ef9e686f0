"""Keys 1–9 in the snip overlay pick a prompt preset; the choice travels with the region."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from desktop_ocr.capture.geometry import Rect, ScreenGrab
from desktop_ocr.engine.presets import DEFAULT_PRESETS
from desktop_ocr.ui.snip.overlay import SnipSession, banner_text


def grab() -> ScreenGrab:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(20, 120, 200))
    return ScreenGrab("test", Rect(0, 0, 400, 300), 1.0, image)


@pytest.fixture
def session(qtbot):
    session = SnipSession([grab()], DEFAULT_PRESETS, mode_label="Text")
    session.show()
    overlay = session.overlays[0]
    qtbot.waitExposed(overlay)
    yield session
    for overlay in session.overlays:
        overlay.close()


START, END = QPoint(10, 10), QPoint(110, 60)


def drag(qtbot, overlay, start=START, end=END, keys=()):
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(overlay, end)
    for key in keys:  # pressed while the button is still held
        qtbot.keyClick(overlay, key)
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=end)


def test_key_before_the_drag_picks_the_preset(qtbot, session):
    overlay = session.overlays[0]
    assert overlay.banner.startswith("1 Translate to English")
    with qtbot.waitSignal(session.preset_changed) as changed:
        qtbot.keyClick(overlay, Qt.Key.Key_2)
    assert changed.args == [DEFAULT_PRESETS[1]]
    assert overlay.banner == "Preset 2: Explain this error   (0: Text)"
    with qtbot.waitSignal(session.finished_with_preset) as finished:
        drag(qtbot, overlay)
    image, preset = finished.args
    assert (image.width(), image.height()) == (100, 50)
    assert preset == DEFAULT_PRESETS[1]


def test_key_during_the_drag_counts(qtbot, session):
    with qtbot.waitSignal(session.finished_with_preset) as finished:
        drag(qtbot, session.overlays[0], keys=[Qt.Key.Key_3])
    assert finished.args[1] == DEFAULT_PRESETS[2]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([Qt.Key.Key_1, Qt.Key.Key_1], None),  # the same key again: back to the mode
        ([Qt.Key.Key_3, Qt.Key.Key_0], None),
        ([Qt.Key.Key_1, Qt.Key.Key_3], 2),
        ([Qt.Key.Key_7], None),  # no seventh preset: nothing changes
        ([Qt.Key.Key_2, Qt.Key.Key_9], 1),
    ],
)
def test_switching_and_going_back(qtbot, session, keys, expected):
    overlay = session.overlays[0]
    for key in keys:
        qtbot.keyClick(overlay, key)
    with qtbot.waitSignal(session.finished_with_preset) as finished:
        drag(qtbot, overlay)
    assert finished.args[1] == (None if expected is None else DEFAULT_PRESETS[expected])
    assert session.preset == finished.args[1]


def test_without_presets_there_is_no_banner_and_finished_still_comes(qtbot):
    session = SnipSession([grab()])
    session.show()
    overlay = session.overlays[0]
    qtbot.waitExposed(overlay)
    assert overlay.banner == ""
    qtbot.keyClick(overlay, Qt.Key.Key_1)
    with qtbot.waitSignal(session.finished) as finished:
        drag(qtbot, overlay)
    assert finished.args[0].width() == 100 and session.preset is None


def test_banner_lists_only_the_first_nine():
    from desktop_ocr.engine.presets import Preset

    presets = [Preset(f"P{i}", "p") for i in range(1, 12)]
    text = banner_text(presets, None, "Text")
    assert text.startswith("1 P1  ·  2 P2") and text.endswith("9 P9")
    assert banner_text(DEFAULT_PRESETS, DEFAULT_PRESETS[2], "") == "Preset 3: Table as CSV   (0: back)"


@pytest.fixture
def waiting(qtbot):
    """A snip in wait mode: the selection stays after release until a key takes it."""
    session = SnipSession([grab()], DEFAULT_PRESETS, mode_label="Text", wait_for_key=True)
    session.show()
    qtbot.waitExposed(session.overlays[0])
    yield session
    for overlay in session.overlays:
        overlay.close()


def test_wait_mode_a_key_after_the_drag_takes_that_preset(qtbot, waiting):
    overlay = waiting.overlays[0]
    with qtbot.assertNotEmitted(waiting.finished_with_preset, wait=100):
        drag(qtbot, overlay)
    assert overlay.selection() is not None  # still drawn
    assert overlay.banner == "1–9 preset · Enter: Text · drag again to change · Esc cancel"
    with qtbot.waitSignal(waiting.finished_with_preset) as finished:
        qtbot.keyClick(overlay, Qt.Key.Key_3)
    image, preset = finished.args
    assert (image.width(), image.height()) == (100, 50) and preset == DEFAULT_PRESETS[2]


def test_wait_mode_enter_takes_the_current_choice(qtbot, waiting):
    overlay = waiting.overlays[0]
    qtbot.keyClick(overlay, Qt.Key.Key_2)  # before the drag, as in the default mode
    drag(qtbot, overlay)
    assert "Enter: Explain this error" in overlay.banner
    with qtbot.waitSignal(waiting.finished_with_preset) as finished:
        qtbot.keyClick(overlay, Qt.Key.Key_Return)
    assert finished.args[1] == DEFAULT_PRESETS[1]


def test_wait_mode_a_new_drag_replaces_the_selection(qtbot, waiting):
    overlay = waiting.overlays[0]
    drag(qtbot, overlay)
    drag(qtbot, overlay, QPoint(200, 100), QPoint(240, 130))
    with qtbot.waitSignal(waiting.finished_with_preset) as finished:
        qtbot.keyClick(overlay, Qt.Key.Key_0)  # 0: the current mode
    image, preset = finished.args
    assert (image.width(), image.height()) == (40, 30) and preset is None


def test_wait_mode_escape_after_the_drag_cancels(qtbot, waiting):
    overlay = waiting.overlays[0]
    drag(qtbot, overlay)
    with qtbot.waitSignal(waiting.cancelled), qtbot.assertNotEmitted(waiting.finished_with_preset):
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)


def test_wait_mode_keys_without_a_selection_only_choose(qtbot, waiting):
    overlay = waiting.overlays[0]
    with qtbot.assertNotEmitted(waiting.finished_with_preset, wait=100):
        qtbot.keyClick(overlay, Qt.Key.Key_Return)  # nothing selected yet
        qtbot.keyClick(overlay, Qt.Key.Key_7)  # no seventh preset
        qtbot.keyClick(overlay, Qt.Key.Key_1)
    assert waiting.preset == DEFAULT_PRESETS[0]
