"""Dark mode (GNOME's Adwaita dark through Qt's GTK theme): the keyboard focus can be seen."""

from __future__ import annotations

from PIL import Image

from desktop_ocr.ui.window.focus_ring import RING_CONTRAST, contrast, luminance

from .files import image_file, stored_history

# What a GNOME user in dark mode has: Qt follows GTK's theme and palette.
ADWAITA_DARK = {"QT_QPA_PLATFORMTHEME": "gtk3", "GTK_THEME": "Adwaita:dark"}


def _colour(pixel: tuple[int, int, int]):
    from PySide6.QtGui import QColor

    return QColor(*pixel)


def test_in_dark_mode_ctrl_f_shows_a_focus_ring_that_stands_out(launch, profile, tmp_path):
    profile.desktop_env.update(ADWAITA_DARK)
    app = launch(profile, str(image_file(tmp_path / "a.png")))
    search = app.wait_for("text", "Search the history")
    app.focus()
    app.key("ctrl+f")
    app.until(lambda: "focused" in search.states, "the caret in the search box")
    x, y, width, height = search.extents()
    with Image.open(app.screenshot(app.profile.home / "dark.png")) as screen:
        box = screen.convert("RGB").crop((x, y, x + width, y + height))
    inside = _colour(box.getpixel((width // 2, height - 5)))  # the box's own ground, below its text
    assert luminance(inside) < 0.1, f"not a dark theme: the search box is {inside.name()}"
    # The ring runs along the box's edge: its most visible pixel there, against the ground.
    columns, rows = (0, 1, 2, width - 3, width - 2, width - 1), (0, 1, 2, height - 3, height - 2, height - 1)
    edge = [box.getpixel((col, row)) for row in range(height) for col in columns]
    edge += [box.getpixel((col, row)) for col in range(width) for row in rows]
    strongest = max(contrast(_colour(pixel), inside) for pixel in edge)
    assert strongest >= RING_CONTRAST, f"focus ring contrast {strongest:.2f}:1"


CODE_ANSWER = "Run this:\n\n```\nprint(42)\n```\n\nDone."
LONG_ANSWER = " ".join(["A long first line of words that wraps far beyond the row's width"] * 4)


def _differs(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))


def test_in_dark_mode_rows_are_whole_and_code_stands_on_a_tint(launch, profile):
    profile.desktop_env.update(ADWAITA_DARK)
    answers = [("long.png", LONG_ANSWER), ("older.png", "plain"), ("code.png", CODE_ANSWER)]
    stored_history(profile.data_dir, answers)
    app = launch(profile)
    app.window()
    rows = [app.wait_for("list item", contains=name) for name in ("long.png", "older.png")]
    shown = lambda: next((n for n in app.root.find_all("label") if "print(42)" in n.text), None)  # noqa: E731
    pane = app.until_value(shown, "the code answer shown")
    with Image.open(app.screenshot(app.profile.home / "dark-rows.png")) as shot:
        screen = shot.convert("RGB")

    # A row's last pixel lines are its own ground: no line of its text is cut through at its edge
    # (GTK's dark theme pads rows more than Fusion; a wrapped third line was cut in half).
    for row in rows:
        x, y, width, height = row.extents()
        ground = screen.getpixel((x + width - 3, y + 2))
        bottom = [screen.getpixel((col, y + height - line)) for col in range(x + width // 4, x + width - 4)
                  for line in (1, 2)]  # fmt: skip
        cut = max(_differs(pixel, ground) for pixel in bottom)
        assert cut < 60, f"a line cut at the bottom of {row.name!r} ({cut})"

    # The code block stands on a tint of the pane's ground, across its width (the pane is a read-only
    # text: role "label").
    text = pane.text
    start = text.index("print(42)")
    _cx, code_y, _cw, code_h = pane.range_extents(start, start + len("print(42)"))
    done = text.index("Done.")
    _dx, done_y, _dw, done_h = pane.range_extents(done, done + len("Done."))
    px, _py, pane_width, _ph = pane.extents()
    column = px + pane_width - 30  # beyond both lines' words
    code_ground = screen.getpixel((column, code_y + code_h // 2))
    plain_ground = screen.getpixel((column, done_y + done_h // 2))
    assert luminance(_colour(plain_ground)) < 0.1, f"not a dark pane: {plain_ground}"
    assert _differs(code_ground, plain_ground) >= 24, (code_ground, plain_ground)
