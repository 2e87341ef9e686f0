"""A refused global hotkey is said in a way that outlives the model loading, and logged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .files import image_file


def test_a_refused_hotkey_is_still_said_after_the_model_loaded_and_is_logged(
    launch, screen, profile, tmp_path, tiny_model
):
    # Another application holds Ctrl+Alt+Q on this desktop: the app's X grab is refused.
    holder = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("key_holder.py")), "q"],
        env={**os.environ, **screen.env()}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        profile.write_settings(
            model=tiny_model, device="cpu", dtype="float32", max_new_tokens=12, hotkey="Ctrl+Alt+Q"
        )
        # No --verbose: a key the user asked for and does not get is a warning, always said.
        app = launch(profile, str(image_file(tmp_path / "a.png")))
        app.window()
        # The model loads, then answers: the loader's and the answer's lines pass through the bar.
        app.until(lambda: "visual tokens" in app.status_line(), "the model loaded and answered", 180)
        note = app.wait_for("label", contains="Global hotkey Ctrl+Alt+Q off", timeout=10)
        assert "another application holds this hotkey" in note.description, note.description
        assert "Global hotkey Ctrl+Alt+Q off" in app.status_line()
        log = app.stderr()
        assert "desktop-ocr: global hotkey Ctrl+Alt+Q is off: Ctrl+Alt+Q: another application" in log, log
        app.focus()
        app.click(note)  # its link opens Settings, where the key is changed
        app.click(app.wait_for("page tab", "Snipping", timeout=30))
        app.wait_for("label", contains="Global snip hotkey (in any application)", timeout=30)
        app.key("Escape")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
