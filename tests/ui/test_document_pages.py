"""A document in the window: every page's image can be shown (keys, buttons), also after a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui import test_document_marks as documents
from tests.ui.test_document_marks import SMALL, read_document

three = documents.three  # the 3-page PDF fixture


def shown(app):
    return app.window.view.image_view.picture


def fitted(view) -> bool:
    """The whole picture is in the view and fills it across or down (fitInView keeps 2 px margins)."""
    drawn = view.drawn_rect()
    port = view.viewport().rect()
    inside = port.adjusted(-1, -1, 1, 1).contains(drawn)
    return inside and (port.width() - drawn.width() <= 6 or port.height() - drawn.height() <= 6)


def next_picture(qtbot, app, *before):
    """The picture the view shows once it is none of `before` (decoded off the GUI thread)."""
    qtbot.waitUntil(lambda: not shown(app).isNull() and shown(app) not in before, timeout=10_000)
    return shown(app)


def test_every_page_of_a_document_can_be_shown_with_the_keys_and_the_buttons(
    qtbot, make_app, three, monkeypatch
):
    app = make_app(**SMALL)
    read_document(qtbot, app, three, monkeypatch)
    view = app.window.view
    bar = view.page_bar
    assert bar.isVisible() and bar.label.text() == "Page 3 of 3"  # the run was followed to its end
    assert bar.label.accessibleName() == "Page 3 of 3" and not bar.next.isEnabled()
    page3 = next_picture(qtbot, app)
    qtbot.waitUntil(lambda: fitted(view.image_view), timeout=5000)  # laid out: the page fits
    app.window.activateWindow()  # the keys are shortcuts: they reach an active window
    qtbot.waitUntil(app.window.isActiveWindow, timeout=5000)
    view.image_view.setFocus()
    qtbot.keyClick(view.image_view, Qt.Key.Key_PageUp)
    assert bar.label.text() == "Page 2 of 3"
    page2 = next_picture(qtbot, app, page3)  # read back from the history
    assert fitted(view.image_view)
    qtbot.mouseClick(bar.previous, Qt.MouseButton.LeftButton)
    assert bar.label.text() == "Page 1 of 3" and not bar.previous.isEnabled()
    page1 = next_picture(qtbot, app, page2, page3)
    assert view.pane.textCursor().block().text() == "Page 1"  # the answer went to the page's marker
    view.image_view.setFocus()
    qtbot.keyClick(view.image_view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert bar.label.text() == "Page 2 of 3"
    assert next_picture(qtbot, app, page1) == page2
    assert view.pane.textCursor().block().text() == "Page 2"
    # Page Down in the answer scrolls the answer: the page stays.
    view.pane.setFocus()
    qtbot.keyClick(view.pane, Qt.Key.Key_PageDown)
    assert bar.label.text() == "Page 2 of 3"


def test_a_single_image_has_no_page_bar_and_a_document_remembers_its_page(
    qtbot, make_app, three, monkeypatch, tmp_path
):
    from tests.ui.conftest import write_noise

    app = make_app(**SMALL)
    document = read_document(qtbot, app, three, monkeypatch)
    bar = app.window.view.page_bar
    qtbot.mouseClick(bar.previous, Qt.MouseButton.LeftButton)
    assert bar.label.text() == "Page 2 of 3"
    with qtbot.waitSignal(app.answer_ended, timeout=120_000):
        app.add_paths([write_noise(tmp_path / "a.png")])
    assert not bar.isVisible()
    app.open_record(document)
    assert bar.isVisible() and bar.label.text() == "Page 2 of 3"


def test_a_documents_pages_are_shown_after_a_restart(qtbot, make_app, three, monkeypatch):
    first = make_app(**SMALL)
    read_document(qtbot, first, three, monkeypatch)
    first.shut_down()
    app = make_app(wait_ready=False, **SMALL)
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 1)
    app.window.history.list_view.setCurrentIndex(app.window.history.model.index(0))
    bar = app.window.view.page_bar
    assert bar.isVisible() and bar.label.text() == "Page 1 of 3"
    page1 = next_picture(qtbot, app)
    qtbot.mouseClick(bar.next, Qt.MouseButton.LeftButton)
    assert bar.label.text() == "Page 2 of 3"
    page2 = next_picture(qtbot, app, page1)
    qtbot.mouseClick(bar.next, Qt.MouseButton.LeftButton)
    assert next_picture(qtbot, app, page1, page2) is not None
