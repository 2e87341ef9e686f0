"""Dark mode (GNOME's Adwaita dark through Qt's GTK theme): the keyboard focus can be seen."""

from __future__ import annotations

from PIL import Image

from desktop_ocr.ui.window.focus_ring import RING_CONTRAST, contrast, luminance

from .files import image_file

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
