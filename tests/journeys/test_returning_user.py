"""A returning user meets their history: the newest record shown, copied at once, searchable."""

from __future__ import annotations

import re
from datetime import date

import pytest

from .files import stored_history

NEWEST = "# Receipt\n\nThe total $$a+b$$ is **42**."


@pytest.fixture
def returning(profile):
    stored_history(
        profile.data_dir,
        [("older.png", "## Old notes\nplain words"), ("formula.png", "\\frac{a}{b}"), ("newest.png", NEWEST)],
        # A follow-up on a LaTeX answer whose reply opens with a lone "$$" line (the row read "$$").
        follow_ups={"formula.png": [("What is it?", "$$\n\\frac{a}{b}\n$$\nA fraction.")]},
        without_stats=("older.png",),
    )
    return profile


def test_the_newest_record_is_selected_shown_and_copied_by_ctrl_shift_c(launch, returning):
    app = launch(returning)
    app.window()
    newest = app.wait_for("list item", contains="newest.png")
    app.until(lambda: "selected" in newest.states, "the newest row selected")
    app.wait_for(contains="The total")  # the pane shows its answer
    assert app.root.find("label", contains="Nothing to read yet") is None
    app.until(lambda: "visual tokens" in app.status_line(), "its stats")
    app.focus()
    app.key("ctrl+shift+c")
    app.until(lambda: "The total" in app.clipboard(), "the answer on the clipboard")


def test_rows_keep_their_dates_previews_skip_syntax_and_stats_are_the_records_own(launch, returning):
    app = launch(returning)
    app.window()
    older = app.wait_for("list item", contains="older.png")
    newest = app.wait_for("list item", contains="newest.png")
    app.until(lambda: "visual tokens" in app.status_line(), "the newest record's stats")
    app.focus()
    app.click(older)
    app.until(lambda: "selected" in older.states, "the older row selected")
    app.wait_for(contains="plain words")
    # The newest record's stats were shown; the older one has none, so none are shown for it.
    app.until(lambda: "visual tokens" not in app.status_line(), f"no stale stats: {app.status_line()}")
    today = date.today().isoformat()
    for row in (older, newest):
        assert today in row.name, row.name  # opened or not, a row says its day
    preview = newest.name.split("\n", 1)[-1]
    assert not re.search(r"[#$*]", preview), preview
    assert "Receipt" in preview
    formula = app.wait_for("list item", contains="formula.png").name.split("\n", 1)[-1]
    assert "frac{a}{b}" in formula and "$" not in formula, formula  # its follow-up's words, not "$$"


def test_ctrl_f_reaches_a_visible_search_that_says_no_matches_and_esc_clears(launch, returning):
    app = launch(returning)
    app.window()
    app.wait_for("list item", contains="newest.png")
    app.focus()
    app.key("ctrl+f")
    search = app.wait_for("text", "Search the history")
    app.until(lambda: "focused" in search.states, "the caret in the search box")
    app.type("zzzz")
    app.wait_for(contains="No matches")
    app.key("Escape")
    app.until(lambda: search.text == "", "Esc to clear the search")
    app.wait_for("list item", contains="newest.png")
    app.wait_gone(contains="No matches")
