"""An image that comes in (given at start, pasted) becomes the shown record, history or not."""

from __future__ import annotations

import pytest

from .files import image_file, stored_history


@pytest.fixture
def returning(profile):
    stored_history(profile.data_dir, [("older.png", "Old notes")])
    return profile


def _shown(app, name: str):
    row = app.wait_for("list item", contains=name)
    app.until(lambda: "selected" in row.states, f"{name}'s row selected")
    app.until(lambda: "visual tokens" in app.status_line(), f"{name} answered")
    return row


def test_an_image_given_at_start_is_selected_and_answered_in_view(launch, returning, tmp_path):
    app = launch(returning, str(image_file(tmp_path / "given.png")))
    _shown(app, "given.png")
    older = app.wait_for("list item", contains="older.png")
    assert "selected" not in older.states


def test_a_pasted_image_becomes_the_shown_record(launch, returning, tmp_path):
    app = launch(returning)
    older = app.wait_for("list item", contains="older.png")
    image = image_file(tmp_path / "clip.png", seed=3)
    owner = app.put_on_clipboard(image.read_bytes(), "image/png")
    try:
        app.focus()
        app.click(older)
        app.key("ctrl+v")
        _shown(app, "pasted image")
    finally:
        owner.terminate()
