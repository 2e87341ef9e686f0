"""Hotkey labels say where a key works: the window's own Ctrl+Alt+S is not a global hotkey."""

from __future__ import annotations


def test_the_welcome_page_says_the_snip_key_works_in_this_window(launch, profile):
    app = launch(profile)
    welcome = app.wait_for("label", contains="Nothing to read yet")
    line = next(line for line in welcome.name.splitlines() if "Ctrl+Alt+S" in line)
    assert "in this window" in line, line
