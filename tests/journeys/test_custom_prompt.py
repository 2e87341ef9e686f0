"""A custom prompt is typed in the main window, seen there, asked by Ctrl+R and shown with its record."""

from __future__ import annotations

from .files import image_file


def test_prompt_given_at_start_is_shown_editable_and_asked_again_by_ctrl_r(launch, profile, tmp_path):
    app = launch(profile, "--prompt", "List every number", str(image_file(tmp_path / "numbers.png")))
    field = app.wait_for("text", "Custom prompt")
    assert field.text == "List every number"
    assert "editable" in field.states
    app.wait_for(contains="Asked: List every number")  # the record shows what it was asked
    app.focus()
    app.click(field)
    app.key("ctrl+a")
    app.type("Count the dots")
    app.key("ctrl+r")
    app.wait_for(contains="Asked: Count the dots")


def test_choosing_custom_prompt_in_the_mode_box_shows_the_field_with_the_caret(launch, profile):
    app = launch(profile)
    app.window()
    assert app.root.find("text", "Custom prompt") is None
    app.focus()
    app.click(app.wait_for("combo box"))
    app.click(app.wait_for("list item", "Custom prompt…"))
    field = app.wait_for("text", "Custom prompt")
    app.until(lambda: "focused" in field.states, "the caret in the prompt field")
    app.type("What colour is it?")
    app.until(lambda: field.text == "What colour is it?", "the typed prompt in the field")
