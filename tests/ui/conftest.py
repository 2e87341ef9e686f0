"""A main window on the tiny model, under Xvfb (pytest-xvfb), with settings in a temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop_ocr.core.settings_store import Settings
from desktop_ocr.ui.window.main_window import MainWindow

MAX_NEW = 48


@pytest.fixture
def make_window(qtbot, tiny_model, tmp_path, monkeypatch):
    # Each test its own history: the window lists the stored records of earlier tests otherwise.
    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(tmp_path / "history"))
    windows: list[MainWindow] = []

    def make(wait_ready: bool = True, **changes) -> MainWindow:
        fields = {
            "model": str(tiny_model),
            "device": "cpu",
            "dtype": "float32",
            "max_new_tokens": MAX_NEW,
            "notify": False,  # no notifications on the desktop the tests run on (tests opt in)
            **changes,
        }
        store = QSettings(str(tmp_path / f"settings-{len(windows)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(**fields), store, persist=False)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        if wait_ready:
            qtbot.waitUntil(lambda: window.model_ready, timeout=120_000)
        return window

    yield make
    for window in windows:
        window.shut_down()


@pytest.fixture
def window(make_window):
    return make_window()


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
