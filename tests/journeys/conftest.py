"""Journeys: the real app on a desktop of its own, driven by keys and mouse, judged from outside."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .app import App, Profile
from .atspi import Tree
from .desktop import Desktop, desktop

pytestmark = [pytest.mark.journey, pytest.mark.gui]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.journey)
            item.add_marker(pytest.mark.gui)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def screen() -> Iterator[Desktop]:
    """One desktop for the whole run (1600×1000, like the review's); each journey starts its own app."""
    with desktop(1600, 1000) as found:
        yield found


@pytest.fixture(scope="session")
def tree(screen: Desktop) -> Iterator[Tree]:
    found = Tree(screen.bus_address)
    yield found
    found.close()


@pytest.fixture
def profile(tmp_path: Path, tiny_model: Path) -> Profile:
    """A fresh user profile whose settings name the tiny local model (float32 on the CPU)."""
    made = Profile.fresh(tmp_path / "profile")
    made.write_settings(model=tiny_model, device="cpu", dtype="float32", max_new_tokens=12)
    return made


@pytest.fixture
def launch(
    screen: Desktop, tree: Tree, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., App]]:
    """Start the app (`launch(profile, *args)`); on failure the screen and its stderr are kept."""
    started: list[App] = []

    def start(profile: Profile, *args: str) -> App:
        app = App(screen, tree, profile, *args)
        started.append(app)
        return app

    yield start
    failed = request.node.stash.get(_FAILED, True)
    for index, app in enumerate(started):
        if failed and app.process.poll() is None:
            shots = Path(os.environ.get("DESKTOP_OCR_JOURNEY_SHOTS", tmp_path))
            shots.mkdir(parents=True, exist_ok=True)
            shot = app.screenshot(shots / f"{request.node.name}-{index}.png")
            print(f"journey failed: screen at {shot}, app log at {app.log_path}")
        app.stop()
    for app in started:
        log = app.stderr()
        assert "Traceback" not in log, f"the app printed a traceback:\n{log[-4000:]}"
