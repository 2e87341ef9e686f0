"""A main window on the tiny model, under Xvfb (pytest-xvfb), with settings in a temporary file."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desktop_ocr.ui.main_window import MainWindow
from desktop_ocr.ui.settings import Settings

MAX_NEW = 48


class BackendPool:
    """Loaded backends kept for the whole run, lent to the windows and sessions of the tests.

    Every window starts a worker that loads its model; on the tiny model that load (reading
    the checkpoint, building the processor) is most of a window test's time. The pool stands in
    for `engine.backends.create_backend`: the first request for some options loads for real,
    through the real function; later requests get a loaded backend back that no live window
    holds (one per window alive at once), reset to its state right after loading. The worker,
    its warm-up, the queue and generation all run as in the app; what is skipped is only
    reading the same checkpoint again. Failures (a missing model) are never pooled: they go
    through the real loader every time. Servers are not pooled either (nothing to load).
    """

    def __init__(self, create: Callable[..., Any]) -> None:
        self._create = create
        self._lock = threading.Lock()  # the workers ask from their own threads
        self._free: dict[Any, list[tuple[Any, dict[str, Any]]]] = {}
        self._lent: list[tuple[Any, Any, dict[str, Any]]] = []
        self.loads = 0  # real loads (for the pool's own test)

    def create_backend(self, options, server=None, download_progress=None, status=None):
        if server is not None or options.backend == "server":
            return self._create(options, server, download_progress, status)
        key = options
        with self._lock:
            free = self._free.get(key)
            if free:
                backend, fresh = free.pop()
                backend.__dict__.clear()
                backend.__dict__.update(fresh)  # warm_ups == 0, as just loaded
                self._lent.append((key, backend, fresh))
                return backend
        backend = self._create(options, server, download_progress, status)
        with self._lock:
            self.loads += 1
            self._lent.append((key, backend, dict(backend.__dict__)))
        return backend

    def give_back(self) -> None:
        """After a test's windows and sessions have joined their worker threads."""
        with self._lock:
            for key, backend, fresh in self._lent:
                self._free.setdefault(key, []).append((backend, fresh))
            self._lent.clear()


@pytest.fixture(scope="session")
def backend_pool() -> BackendPool:
    from desktop_ocr.engine import backends

    return BackendPool(backends.create_backend)


@pytest.fixture
def pooled_backends(backend_pool: BackendPool, monkeypatch) -> Iterator[BackendPool]:
    """Workers started in this test load through the pool; the test must join them before teardown.

    Request this fixture before the one that makes (and joins) the windows or sessions, so that
    their teardown runs first and the backends come back only when no thread uses them.
    """
    from desktop_ocr.engine import backends

    monkeypatch.setattr(backends, "create_backend", backend_pool.create_backend)
    yield backend_pool
    backend_pool.give_back()


@pytest.fixture
def make_window(pooled_backends, qtbot, tiny_model, tmp_path, monkeypatch):
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
