"""Polish: the window's size and place are remembered; the source editor uses a monospace font."""

from __future__ import annotations

from .files import image_file


def test_the_window_comes_back_at_its_size_and_place(launch, profile):
    first = launch(profile)
    first.window()
    window = first.window_id()
    first.desktop.run("xdotool", "windowsize", "--sync", window, "1000", "640")
    first.desktop.run("xdotool", "windowmove", "--sync", window, "120", "90")
    first.until(lambda: first.geometry(window)[2:] == (1000, 640), "the window resized")
    before = first.geometry(window)
    assert first.quit() == 0
    again = launch(profile)
    again.window()
    after = again.geometry()
    assert after[2:] == before[2:] and abs(after[0] - before[0]) <= 2 and abs(after[1] - before[1]) <= 2


def test_the_source_editor_is_monospace(launch, profile, tmp_path):
    app = launch(profile, str(image_file(tmp_path / "a.png")))
    app.until(lambda: "visual tokens" in app.status_line(), "answered", 180)
    app.focus()
    app.key("ctrl+e")
    editors = [n for n in app.root.find_all("text") if "editable" in n.states and n.text.strip()]
    assert editors
    attributes = editors[0].text_attributes()
    family = attributes.get("font-family", attributes.get("family-name", ""))
    assert "mono" in family.lower(), attributes
