"""A document (a 3-page PDF): follow-ups are off with a reason, every page's image can be seen, marks show."""

from __future__ import annotations

from .files import pdf_file


def _document_done(app):
    row = app.wait_for("list item", contains="three.pdf")
    app.until(lambda: "selected" in row.states, "the document's row selected")
    done = lambda: "visual tokens" in app.status_line() and "running" not in row.name  # noqa: E731
    app.until(done, "the document read", 240)
    return row


def test_the_follow_up_box_is_off_for_a_document_and_says_why(launch, profile, tmp_path):
    app = launch(profile, "--pages", "1-3", str(pdf_file(tmp_path / "three.pdf")))
    _document_done(app)
    box = app.wait_for("text", "Follow-up question")
    assert "enabled" not in box.states
    assert "snip the page" in box.description
    assert "enabled" not in app.wait_for("push button", "Ask").states
