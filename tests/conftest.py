"""Shared fixtures: a tiny random Qwen2-VL checkpoint built offline, in both file layouts."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

_OWN_FOLDERS: list[str] = []


def _own_folder(prefix: str) -> str:
    """A temporary folder for this test run, removed when it ends (453 were left behind before)."""
    folder = tempfile.mkdtemp(prefix=prefix)
    _OWN_FOLDERS.append(folder)
    return folder


atexit.register(lambda: [shutil.rmtree(folder, ignore_errors=True) for folder in _OWN_FOLDERS])

# Before anything imports huggingface_hub: no network, and a cache of our own.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HOME"] = _own_folder("desktop-ocr-hf-home-")
os.environ.pop("DESKTOP_OCR_MODEL", None)
# No test reads or writes the user's settings, history or keychain: folders of our own, and no
# keyring backend
# (tests that need one set it with keyring.set_keyring).
os.environ["DESKTOP_OCR_DATA_DIR"] = _own_folder("desktop-ocr-data-")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ["DESKTOP_OCR_SETTINGS"] = os.path.join(_own_folder("desktop-ocr-config-"), "settings.ini")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# No test reaches the desktop's session bus (a notification daemon, the portal) that happens to
# run or be installed here: the tests that need a bus start their own (tests/ui/dbus_session.py).
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/desktop-ocr-tests-have-no-session-bus"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """transformers 5 save_pretrained layout."""
    from desktop_ocr._dev.checkpoint import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("tiny-native"), "native")


@pytest.fixture(scope="session")
def tiny_hub_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hub repo's 4.4x layout."""
    from desktop_ocr._dev.checkpoint import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("tiny-hub"), "hub")


# Where each family's tiny checkpoint is written: PaddleOCR-VL-1.5 is told from 1.0 by its hub name only.
FAMILY_FOLDERS = {"paddleocr-vl-1.5": "PaddlePaddle/PaddleOCR-VL-1.5"}


@pytest.fixture(scope="session")
def family_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the families' tiny checkpoints are built, once for the whole run."""
    return tmp_path_factory.mktemp("families")


@cache
def family_checkpoint(root: Path, family: str) -> Path:
    """A profiled family's tiny random checkpoint (the hub's files, the family's real classes)."""
    from desktop_ocr._dev.family_checkpoints import build_family_checkpoint

    return build_family_checkpoint(root / FAMILY_FOLDERS.get(family, family), family)


@pytest.fixture(scope="session")
def backend(tiny_model: Path):
    from desktop_ocr.engine import EngineOptions, load_backend

    return load_backend(EngineOptions(model=str(tiny_model), device="cpu", dtype="float32"))


def noise_image(width: int, height: int, seed: int = 0) -> Image.Image:
    """Seeded random RGB noise: every pixel matters, so a wrong crop or resize shows."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tiny_model: Path):
    """`transformers serve` pinned to the tiny checkpoint on 127.0.0.1; yields its /v1 URL."""
    command = shutil.which("transformers", path=str(Path(sys.executable).parent)) or "transformers"
    port = free_port()
    process = subprocess.Popen(
        [
            command,
            "serve",
            str(tiny_model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--device",
            "cpu",
            "--dtype",
            "float32",
            "--no-continuous-batching",
        ],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"transformers serve exited: {process.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("transformers serve did not come up")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def bus_address():
    """A private D-Bus session bus (its own dbus-daemon) for the tests of one module."""
    from tests.ui.dbus_session import private_bus

    with private_bus() as address:
        yield address


# The test tiers: `pytest -m "not model and not gui"` is the quick loop (README: Development).
# A test is marked by what it really uses (its fixtures, transitively), so a new test lands in
# the right tier without anyone remembering to mark it.
MODEL_FIXTURES = frozenset({"tiny_model", "tiny_hub_model"})
GUI_FIXTURES = frozenset({"qtbot", "qapp"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & MODEL_FIXTURES:
            item.add_marker(pytest.mark.model)
        # The window's tests need a display (Xvfb) even where they take no qtbot.
        if used & GUI_FIXTURES or item.path.parent.name == "ui":
            item.add_marker(pytest.mark.gui)
