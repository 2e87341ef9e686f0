"""The Copy menu says what the Copy button copies, and "For Word" puts equations, not MathML text."""

from __future__ import annotations

import pytest

from .files import stored_history

ANSWER = "The total $$a+b$$ is **42**."


@pytest.fixture
def returning(profile):
    stored_history(profile.data_dir, [("sum.png", ANSWER)])
    return profile


def _open_copy_menu(app):
    buttons = lambda: [n for n in app.root.find_all(None, "Copy") if "button" in n.role]  # noqa: E731
    copy = app.until_value(lambda: next(iter(buttons()), None), "the Copy button")
    x, y, width, height = copy.extents()
    app.move(x + width - 4, y + height // 2)  # the button's arrow opens its menu
    app.desktop.run("xdotool", "click", "1")
    return app.wait_for("menu item", contains="Plain text")


def test_the_copy_menu_names_the_buttons_format_and_for_word_pastes_equations(launch, returning):
    app = launch(returning)
    app.window()
    app.wait_for(contains="The total")  # the stored answer is shown
    app.focus()
    _open_copy_menu(app)
    assert app.root.find("menu item", "Markdown (the Copy button)") is not None
    assert app.root.find("menu item", contains="for Word") is None  # only "For Word" is for Word
    assert app.root.find("menu item", "MathML markup") is not None
    app.click(app.wait_for("menu item", contains="For Word"))
    targets = lambda: app.clipboard("TARGETS")  # noqa: E731
    app.until(lambda: "text/html" in targets() and "text/rtf" in targets(), "HTML and RTF on the clipboard")
    assert "<math" in app.clipboard("text/html")  # the formula goes as an equation
