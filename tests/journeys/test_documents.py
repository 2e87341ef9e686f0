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


# Openbox's default title font: sans (DejaVu Sans here) bold 8 pt, 11 px at 96 dpi.
TITLE_FONT = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 11)
TITLE_BAR_ROOM = 100  # the window icon and openbox's three buttons beside the title


def test_the_pages_dialog_shows_its_whole_title_and_a_sound_range_not_in_red(launch, profile, tmp_path):
    from PIL import Image, ImageFont

    app = launch(profile, str(pdf_file(tmp_path / "three.pdf")))
    app.wait_for("dialog", "Pages to recognise")
    title = ImageFont.truetype(*TITLE_FONT).getlength("Pages to recognise")
    width = app.geometry(app.window_id("Pages to recognise"))[2]
    assert width >= title + TITLE_BAR_ROOM, (width, title)  # the window manager need not cut it
    count = app.wait_for("label", contains="3 of 3 pages")
    x, y, w, h = count.extents()
    with Image.open(app.screenshot(app.profile.home / "pages.png")) as shot:
        label = shot.convert("RGB").crop((x, y, x + w, y + h))
    reddest = max(r - max(g, b) for r, g, b in label.getdata())
    assert reddest < 60, f"a sound range is said in red ({reddest})"
    app.key("Escape")
    app.wait_gone("dialog", "Pages to recognise")
