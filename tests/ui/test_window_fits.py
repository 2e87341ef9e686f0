"""The window's own widgets fit what they say: the search box's hint at 800 px, every toolbar
action beside a custom prompt, the status bar's groups apart, the welcome page's bullets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def window(make_app):
    app = make_app(wait_ready=False)
    return app.window


def test_the_search_box_shows_its_whole_hint_in_an_800_px_window(qtbot, window):
    window.pages.setCurrentIndex(1)  # the history page
    window.resize(800, 600)
    search = window.history.search
    hint = search.fontMetrics().horizontalAdvance(search.placeholderText())
    qtbot.waitUntil(lambda: window.width() == 800)
    assert search.contentsRect().width() > hint + 24  # the text, its margins and the clear button


@pytest.mark.parametrize("width", [1100, 1600])
def test_a_custom_prompt_leaves_every_toolbar_action_on_the_toolbar(qtbot, window, width):
    window.resize(width, 700)
    box = window.question.mode_box
    box.setCurrentIndex(box.findData("custom"))
    field = window.question.custom_prompt
    qtbot.waitUntil(lambda: field.isVisible())
    qtbot.waitUntil(lambda: window.width() == width)
    assert field.width() >= 300, field.width()
    for action in (window.save_action, window.source_action, window.settings_action):
        toolbar = next(
            bar for bar in window.findChildren(type(window.question.prompt_bar)) if action in bar.actions()
        )
        button = toolbar.widgetForAction(action)
        assert button is not None and button.isVisible(), action.text()
        assert toolbar.rect().contains(button.geometry()), action.text()


def test_the_status_bar_groups_stand_apart_and_an_empty_one_is_hidden(qtbot, window):
    view = window.view
    view.marks_label.setText("")
    view.stats_label.setText("150 visual tokens · 36.5 tok/s")
    window.status.label.setText("tiny (Qwen2-VL) · cpu · float32")
    qtbot.waitUntil(lambda: view.stats_label.isVisible())
    assert view.marks_label.isHidden()
    for group in (view.stats_label, window.status.label):
        assert group.contentsRect().left() >= 8, group.text()  # a rule and room before its text


def test_the_welcome_page_lists_its_ways_in_a_straight_column_and_names_pdfs(window):
    label = window.welcome
    assert label.alignment() & Qt.AlignmentFlag.AlignLeft
    assert "PDF" in label.text()


def _message_room(bar) -> int:
    """The width Qt draws the passing message in: from x = 6 to the first permanent widget."""
    from PySide6.QtWidgets import QSizeGrip, QWidget

    children = bar.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    lefts = [child.x() for child in children if child.isVisible() and not isinstance(child, QSizeGrip)]
    return min(lefts, default=bar.width()) - 1 - 6


def test_a_documents_progress_is_read_whole_and_the_model_name_gives_way(qtbot, make_app):
    window = make_app().window  # the model loaded: the loader's lines no longer change the label
    model = "/home/someone/models/prithivMLmods/Qwen2-VL-OCR-2B-Instruct (Qwen2-VL-OCR-2B) · cpu · float32"
    window.resize(1100, 700)
    window.show()
    qtbot.waitExposed(window)
    window.status.label.setText(model)
    window.view.stats_label.setText("1260 visual tokens · first token 2.2 s · 12.5 tok/s")
    bar = window.statusBar()
    line = "quarterly-report.pdf: page 2 of 3 (page 2)"
    window.show_status(line, 0)
    needed = bar.fontMetrics().horizontalAdvance(line)
    qtbot.waitUntil(lambda: _message_room(bar) >= needed)
    label = window.status.label
    assert label.toolTip() == model and label.text() == model  # the whole name stays at hand
    assert label.accessibleName() == model
    assert window.view.stats_label.toolTip() == ""  # the stats were not needed to give way
    bar.clearMessage()
    qtbot.waitUntil(lambda: label.width() >= label.sizeHint().width())
    assert label.toolTip() == ""
