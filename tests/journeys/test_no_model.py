"""No model: an image waits, saying why, and runs once one loads; Retry is offered; idle actions are off."""

from __future__ import annotations

import shutil

from .files import image_file


def test_an_image_waits_for_a_model_and_runs_once_one_is_chosen_in_settings(
    launch, profile, tmp_path, tiny_model
):
    profile.write_settings(model=tmp_path / "no-model-here", device="cpu", dtype="float32", max_new_tokens=12)
    app = launch(profile, str(image_file(tmp_path / "waiting.png")))
    app.wait_for("push button", "Retry")  # the failure's box offers to try again
    app.click(app.wait_for("push button", "Close"))
    app.wait_for(contains="Waiting for a model")
    row = app.wait_for("list item", contains="waiting.png")
    assert "selected" in row.states
    app.focus()
    app.click(app.wait_for("push button", "Settings"))
    field = app.wait_for("text", contains="no-model-here")  # the model field holds the bad folder
    app.click(field)
    app.key("ctrl+a")
    app.type(str(tiny_model))
    app.key("Return")  # the dialog's default button, OK (on a short screen OK may be out of reach)
    app.until(lambda: "visual tokens" in app.status_line(), "the waiting image answered", 180)
    assert "cancelled" not in app.wait_for("list item", contains="waiting.png").name


def test_the_welcome_says_no_model_is_loaded_and_retry_loads_one_that_has_come(
    launch, profile, tmp_path, tiny_model
):
    later = tmp_path / "model-later"
    profile.write_settings(model=later, device="cpu", dtype="float32", max_new_tokens=12)
    app = launch(profile)
    retry = app.wait_for("push button", "Retry")
    app.wait_for("label", contains="No model is loaded")  # on the page a new user looks at
    shutil.copytree(tiny_model, later)  # the folder is there now (a copy finished, a drive mounted)
    app.click(retry)
    app.until(lambda: "model-later" in app.status_line(), "the model loaded by Retry", 180)
    app.wait_gone("label", contains="No model is loaded")
    app.wait_for("label", contains="Nothing to read yet")


def test_actions_with_nothing_to_act_on_are_disabled(launch, profile):
    app = launch(profile)
    app.window()
    for name in ("Recognize again", "Stop", "Save as", "Edit source", "Copy"):
        button = app.root.find(None, name)
        assert button is not None, name
        assert "enabled" not in button.states, f"{name} is enabled with nothing to act on"
