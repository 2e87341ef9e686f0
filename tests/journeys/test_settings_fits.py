"""Settings on a 1366×768 laptop: Ctrl+, opens it whole on the screen with OK and Cancel there,
it comes back at the size it was left at, a hotkey is recorded by pressing it, and OK never
saves a value that only came from this run's flags."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .app import App
from .atspi import Node, Tree
from .desktop import Desktop, desktop

WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="module")
def laptop() -> Iterator[tuple[Desktop, Tree]]:
    with desktop(WIDTH, HEIGHT) as found:
        tree = Tree(found.bus_address)
        yield found, tree
        tree.close()


@pytest.fixture
def small(laptop, profile) -> Iterator[App]:
    screen, tree = laptop
    app = App(screen, tree, profile, "--max-new-tokens", "24")
    yield app
    app.stop()
    assert "Traceback" not in app.stderr(), app.stderr()[-4000:]


def _open_settings(app: App) -> Node:
    app.window()
    app.focus()
    app.key("ctrl+comma")
    return app.wait_for("dialog", "Settings")


def _on_screen(node: Node) -> bool:
    x, y, width, height = node.extents()
    return x >= 0 and y >= 0 and x + width <= WIDTH and y + height <= HEIGHT


def test_settings_fits_the_screen_with_ok_reachable_and_keeps_its_size(small):
    dialog = _open_settings(small)
    window = small.window_id("Settings")
    x, y, width, height = small.geometry(window)  # the X window itself, as the window manager placed it
    assert x >= 0 and y >= 0 and x + width <= WIDTH and y + height <= HEIGHT, (x, y, width, height)
    assert _on_screen(dialog), dialog.extents()
    for button in ("OK", "Cancel"):
        assert _on_screen(small.wait_for("push button", button)), button
    small.desktop.run("xdotool", "windowsize", "--sync", window, "900", "600")
    small.until(lambda: small.geometry(window)[2:] == (900, 600), "the dialog resized")
    small.click(small.wait_for("push button", "OK"))
    small.wait_gone("dialog", "Settings")
    _open_settings(small)
    assert small.geometry(small.window_id("Settings"))[2:] == (900, 600)
    small.key("Escape")
    small.wait_gone("dialog", "Settings")


def test_the_hotkey_field_records_a_key_press(small):
    dialog = _open_settings(small)
    small.click(small.wait_for("page tab", "Snipping"))
    field = small.wait_for("text", contains="Global snip hotkey")
    small.click(field)
    small.until(lambda: "focused" in field.states, "the caret in the hotkey field")
    small.key("ctrl+alt+k")
    small.until(lambda: field.text == "Ctrl+Alt+K", f"Ctrl+Alt+K in the hotkey field:\n{dialog.dump()}")
    small.click(small.wait_for("push button", "Cancel"))  # Esc would be recorded as the next key
    small.wait_gone("dialog", "Settings")


def test_ok_does_not_save_a_value_that_only_came_from_a_flag(small, profile):
    _open_settings(small)
    small.key("Return")  # OK
    small.wait_gone("dialog", "Settings")
    small.until(lambda: profile.settings_file.exists(), "the settings written")
    assert "max_new_tokens=24" not in profile.settings_file.read_text()


def test_ok_does_not_save_the_model_a_flag_named(laptop, profile, tiny_model, tmp_path):
    screen, tree = laptop
    one_off = tmp_path / "one-off-model"
    one_off.symlink_to(tiny_model, target_is_directory=True)  # a model tried for this run only
    app = App(screen, tree, profile, "--model", str(one_off))
    try:
        _open_settings(app)
        app.key("Return")  # OK
        app.wait_gone("dialog", "Settings")
        app.until(lambda: profile.settings_file.exists(), "the settings written")
        saved = profile.settings_file.read_text()
        assert "one-off-model" not in saved and f"model={tiny_model}" in saved, saved
    finally:
        app.stop()
    assert "Traceback" not in app.stderr(), app.stderr()[-4000:]
