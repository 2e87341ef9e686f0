"""Uncertain marks: hovering one (pane, source editor) or F8 shows p and runner-ups; kept after a restart."""

from __future__ import annotations

from .files import image_file

TIP = "p = "  # the tooltip's first line: "p = 0.12", then each runner-up with its p


def _tip(app):
    return app.root.find(contains=TIP)


def _with_selection(app):
    texts = [node for node in app.root.find_all() if "org.a11y.atspi.Text" in node.interfaces]
    return [node for node in texts if node.selection()[1]]


def _answered_with_marks(app):
    app.until(lambda: "uncertain span" in app.status_line(), "an answer with uncertain marks", 180)


def _hover_selected(app, editor) -> None:
    """Move the mouse away (the tip goes), then onto the selected span (the tip comes)."""
    start, end = app.until_value(
        lambda: editor.selection() if editor.selection()[1] else None, "a mark selected"
    )
    x, y, width, height = editor.range_extents(start, end)
    app.move(5, 5)
    app.until(lambda: _tip(app) is None, "the tooltip to go when the mouse leaves")
    app.move(x + max(width // 2, 1), y + height // 2)
    app.move(x + max(width // 2, 1) + 1, y + height // 2)
    app.until(lambda: _tip(app) is not None, "the mark's tooltip on hover")


def test_f8_and_hovering_show_p_and_runner_ups_in_pane_and_editor(launch, profile, tmp_path):
    app = launch(profile, str(image_file(tmp_path / "marks.png")))
    _answered_with_marks(app)
    app.focus()
    app.key("F8")
    app.until(lambda: _tip(app) is not None, "F8's tooltip")
    assert ": " in _tip(app).text.split("\n", 1)[-1] or ": " in _tip(app).name  # a runner-up with its p
    panes = _with_selection(app)  # the rendered pane (a read-only text: role "label")
    assert panes, app.root.dump()
    _hover_selected(app, panes[0])
    app.key("ctrl+e")  # the source editor
    app.key("F8")
    app.until(lambda: _tip(app) is not None, "F8's tooltip in the editor")
    editors = [
        node for node in app.root.find_all("text") if "editable" in node.states and node.selection()[1]
    ]
    assert editors, app.root.dump()
    _hover_selected(app, editors[0])


def test_marks_and_stats_come_back_after_a_restart(launch, profile, tmp_path):
    first = launch(profile, str(image_file(tmp_path / "kept.png")))
    _answered_with_marks(first)
    marks = [part for part in first.status_line().split(" | ") if "uncertain span" in part]
    first.until(lambda: list(profile.data_dir.glob("*.sqlite3")), "the history written")
    assert first.quit() == 0
    again = launch(profile)
    again.until(lambda: "visual tokens" in again.status_line(), "the stored record's stats")
    again.until(lambda: marks[0] in again.status_line(), "the stored record's marks")
    again.focus()
    again.key("F8")
    again.until(lambda: _tip(again) is not None, "F8's tooltip on the stored record")
