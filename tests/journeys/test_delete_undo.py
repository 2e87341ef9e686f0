"""Delete in the history says what went and offers Undo; the record is gone for good once Undo has gone."""

from __future__ import annotations

from .files import stored_history


def _stored_count(profile) -> int:
    from desktop_ocr.history.opening import open_history

    store = open_history(location=str(profile.data_dir))
    try:
        return store.count()
    finally:
        store.close()


def test_delete_offers_undo_in_the_status_bar_and_undo_brings_the_row_back(launch, profile):
    stored_history(profile.data_dir, [("keep.png", "Kept words"), ("gone.png", "Gone words")])
    app = launch(profile)
    row = app.wait_for("list item", contains="gone.png")
    app.focus()
    app.click(row)
    app.key("Delete")
    app.wait_gone("list item", contains="gone.png")
    app.until(lambda: "Deleted gone.png" in app.status_line(), "the status bar to say what was deleted")
    app.click(app.wait_for("push button", "Undo"))
    app.wait_for("list item", contains="gone.png")
    assert _stored_count(profile) == 2

    app.click(app.wait_for("list item", contains="gone.png"))
    app.key("Delete")
    app.wait_for("push button", "Undo")
    app.wait_gone("push button", "Undo", timeout=60)  # the offer ends; now it is deleted
    app.until(lambda: _stored_count(profile) == 1, "the record deleted from the history file")
    assert app.root.find("list item", contains="keep.png") is not None
