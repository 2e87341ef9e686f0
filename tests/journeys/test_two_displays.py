"""One account logged in on two displays: each display gets a window of its own, while a second
start on the same display hands its image to the window already there (and opens none)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from .app import App
from .atspi import Tree
from .desktop import Desktop, desktop, wait_until
from .files import image_file


@pytest.fixture(scope="module")
def second_screen() -> Iterator[tuple[Desktop, Tree]]:
    with desktop(1024, 768) as found:
        tree = Tree(found.bus_address)
        yield found, tree
        tree.close()


def _windows(screen: Desktop) -> list[str]:
    """The shown windows titled desktop-ocr on that display, of any process."""
    return screen.run("xdotool", "search", "--onlyvisible", "--name", "^desktop-ocr$").stdout.decode().split()


def test_each_display_has_its_own_window_and_a_start_on_the_same_one_hands_over(
    screen, tree, second_screen, profile, tmp_path
):
    # The app names its instance itself (no $DESKTOP_OCR_INSTANCE), as on a user's machine; both
    # logins share the user's runtime folder (/run/user/UID), where the instance's lock lives.
    user = dataclasses.replace(profile, instance="")
    other_screen, other_tree = second_screen
    other_login = dataclasses.replace(other_screen, runtime_dir=screen.runtime_dir)
    started: list[App] = []
    try:
        first = App(screen, tree, user)
        started.append(first)
        first.window()
        assert len(_windows(screen)) == 1

        second = App(other_login, other_tree, user)
        started.append(second)
        second.window()  # its own window, on its own display (it would have exited after handing over)
        assert second.process.poll() is None
        assert second.window_id()  # shown on the second display, by the second process
        assert len(_windows(other_screen)) == 1 and len(_windows(screen)) == 1

        handed = image_file(tmp_path / "handed-over.png")
        third = App(screen, tree, user, str(handed))
        started.append(third)
        assert wait_until(lambda: third.process.poll() is not None, "the third start to hand over", 120)
        assert third.process.returncode == 0, third.stderr()[-3000:]
        first.wait_for(contains="handed-over.png")  # the first window took the image
        assert second.root.find(contains="handed-over.png") is None  # the other display's did not
        assert len(_windows(screen)) == 1  # and no second window came up on this display
    finally:
        for app in reversed(started):
            app.stop()
    for app in started:
        assert "Traceback" not in app.stderr(), app.stderr()[-4000:]
