"""A document's every page can be seen (Previous/Next, Page Up/Down, Alt+arrows), and its marks are shown."""

from __future__ import annotations

from PIL import Image

from .files import pdf_file
from .test_documents import _document_done


def _picture(app, view) -> bytes:
    """The image view's pixels on the screen, as a user sees them."""
    x, y, width, height = view.extents()
    shot = app.screenshot(app.profile.home / "screen.png")
    with Image.open(shot) as screen:
        return screen.convert("RGB").crop((x, y, x + width, y + height)).tobytes()


def _turned_to(app, view, position: str, *before: bytes) -> bytes:
    """Wait for "Page N of 3", then for the view to show a picture none of `before` (decoded late)."""
    app.wait_for("label", position)
    return app.until_value(
        lambda: (lambda now: now if now not in before else None)(_picture(app, view)),
        f"the picture of {position}",
        30,
    )


def test_every_page_of_a_document_can_be_seen_and_its_marks_are_shown(launch, profile, tmp_path):
    app = launch(profile, "--pages", "1-3", str(pdf_file(tmp_path / "three.pdf")))
    _document_done(app)
    app.until(lambda: "uncertain span" in app.status_line(), "the document's marks")
    app.focus()
    view = app.wait_for(name="Image")
    app.wait_for("label", "Page 3 of 3")  # the run was followed to its last page
    page3 = app.until_value(lambda: _picture(app, view), "the last page's picture")
    previous = app.wait_for("push button", "Previous page")
    assert "Page Up" in previous.description or "PgUp" in previous.description
    app.click(previous)
    page2 = _turned_to(app, view, "Page 2 of 3", page3)
    app.click(previous)
    page1 = _turned_to(app, view, "Page 1 of 3", page2, page3)
    assert not previous.enabled
    # The keys, over the image: Page Down and Alt+Right turn on, Page Up back.
    app.click(view)
    app.key("Next")
    assert _turned_to(app, view, "Page 2 of 3", page1, page3) == page2
    app.key("alt+Right")
    assert _turned_to(app, view, "Page 3 of 3", page1, page2) == page3
    app.key("Prior")
    assert _turned_to(app, view, "Page 2 of 3", page1, page3) == page2
    # F8 walks the document's marks in the answer.
    app.key("F8")
    texts = [node for node in app.root.find_all() if "org.a11y.atspi.Text" in node.interfaces]
    app.until(lambda: any(node.selection()[1] for node in texts), "F8 to select a mark in the answer")
