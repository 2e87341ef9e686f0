"""The app (and its window) on the tiny model, under Xvfb (pytest-xvfb), settings in a temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop_ocr.core.settings_store import Settings
from desktop_ocr.ui.application import App

MAX_NEW = 48


@pytest.fixture
def make_app(qtbot, tiny_model, tmp_path, monkeypatch):
    # Each test its own history: the window lists the stored records of earlier tests otherwise.
    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(tmp_path / "history"))
    apps: list[App] = []

    def make(wait_ready: bool = True, backend_factory=None, **changes) -> App:
        fields = {
            "model": str(tiny_model),
            "device": "cpu",
            "dtype": "float32",
            "max_new_tokens": MAX_NEW,
            "notify": False,  # no notifications on the desktop the tests run on (tests opt in)
            **changes,
        }
        store = QSettings(str(tmp_path / f"settings-{len(apps)}.ini"), QSettings.Format.IniFormat)
        app = App(Settings(**fields), store, backend_factory=backend_factory, persist=False)
        qtbot.addWidget(app.window)
        app.window.show()
        apps.append(app)
        if wait_ready:
            qtbot.waitUntil(lambda: app.model_ready, timeout=120_000)
        return app

    yield make
    for app in apps:
        app.shut_down()


@pytest.fixture
def app(make_app):
    return make_app()


def write_noise(path: Path, width: int = 300, height: int = 90, seed: int = 0) -> Path:
    from tests.conftest import noise_image

    noise_image(width, height, seed).save(path)
    return path


@pytest.fixture
def notifications(bus_address):
    """A fake org.freedesktop.Notifications service on the module's private bus."""
    from tests.ui.dbus_session import FakeService

    fake = FakeService(bus_address, "notifications")
    yield fake
    fake.close()
