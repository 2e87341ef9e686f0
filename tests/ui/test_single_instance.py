"""Single instance with real `desktop-ocr` processes: a double start 0.3 s apart and a start while
the running window is busy (SIGSTOP) open one window, and each request is handled once; a
request whose sender gave up is never handled late."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from tests.ui.conftest import write_noise

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP")


class App:
    """A `desktop-ocr` process whose stderr lines are collected as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop_ocr", "--verbose", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)
        self._new.put("")  # the end

    def wait_for(self, text: str, timeout: float = 180) -> None:
        """Until a line holding `text` was written (fails if the process ends first)."""
        while not any(text in line for line in self.lines):
            line = self._new.get(timeout=timeout)
            assert line or any(text in seen for seen in self.lines), f"ended without {text!r}: {self.lines}"

    def finish(self, timeout: float = 180) -> int:
        code = self.process.wait(timeout=timeout)
        self.wait_for_end()
        return code

    def wait_for_end(self) -> None:
        while True:
            try:
                if self._new.get(timeout=30) == "":
                    return
            except queue.Empty:
                return

    def said(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]


@pytest.fixture
def start(tiny_model: Path, tmp_path: Path):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        **os.environ,
        "DESKTOP_OCR_INSTANCE": f"desktop-ocr-test-{uuid.uuid4().hex[:12]}",
        "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini"),
        "DESKTOP_OCR_DATA_DIR": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(runtime),
    }
    flags = ["--model", str(tiny_model), "--device", "cpu", "--dtype", "float32", "--max-new-tokens", "4"]
    started: list[App] = []

    def make(*args: str) -> App:
        app = App([*flags, *args], env)
        started.append(app)
        return app

    make.env = env  # type: ignore[attr-defined]
    yield make
    for app in started:
        if app.process.poll() is None:
            app.process.send_signal(signal.SIGCONT)
            app.process.kill()
            app.process.wait()


def test_two_starts_0_3_s_apart_open_one_window(start, tmp_path: Path) -> None:
    image = write_noise(tmp_path / "a.png")
    first = start(str(image))
    threading.Event().wait(0.3)  # the scenario itself: the second start 0.3 s after the first
    second = start(str(image))
    assert second.finish() == 0, second.lines
    assert second.said("listening as") == []  # it made no window: it handed its image over
    first.wait_for("request: ")
    assert start("--quit").finish() == 0
    assert first.finish() == 0
    assert len(first.said("listening as")) == 1
    handed = first.said("request: ")
    assert len(handed) == 2 and str(image) in handed[0] and "'quit': True" in handed[1]  # once each


def test_a_start_while_the_window_is_busy_waits_for_it(start, tmp_path: Path) -> None:
    first = start()
    first.wait_for("listening as")
    image = write_noise(tmp_path / "b.png")
    first.process.send_signal(signal.SIGSTOP)
    try:
        second = start(str(image))
        second.wait_for("waiting for the running desktop-ocr")
    finally:
        first.process.send_signal(signal.SIGCONT)
    assert second.finish() == 0, second.lines
    assert second.said("listening as") == []
    first.wait_for("request: ")
    assert start("--quit").finish() == 0
    assert first.finish() == 0
    handed = first.said("request: ")
    assert len(handed) == 2 and str(image) in handed[0] and "'quit': True" in handed[1]  # once each


def test_a_request_given_up_on_is_never_handled_late(start, qapp, monkeypatch) -> None:
    from desktop_ocr.ui.platform.single_instance import send_to_running_instance

    first = start()
    first.wait_for("listening as")
    monkeypatch.setenv("DESKTOP_OCR_INSTANCE", start.env["DESKTOP_OCR_INSTANCE"])
    first.process.send_signal(signal.SIGSTOP)
    try:
        given_up = {"images": ["/nowhere/given-up.png"], "snip": False, "quit": False}
        assert not send_to_running_instance(given_up, timeout_s=1.0)
    finally:
        first.process.send_signal(signal.SIGCONT)
    assert send_to_running_instance({"images": [], "snip": False, "quit": True}, timeout_s=60)
    assert first.finish() == 0
    handed = first.said("request: ")
    assert len(handed) == 1 and "'quit': True" in handed[0], handed


def test_two_displays_of_one_account_are_two_instances(monkeypatch) -> None:
    from desktop_ocr.ui.platform.single_instance import INSTANCE_ENV, server_name

    monkeypatch.delenv(INSTANCE_ENV, raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    on_0 = server_name()
    monkeypatch.setenv("DISPLAY", ":1")
    assert server_name() != on_0
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
    on_wayland = server_name()
    monkeypatch.setenv("DISPLAY", ":0")  # XWayland's display of the same session: the same instance
    assert server_name() == on_wayland
    monkeypatch.delenv("WAYLAND_DISPLAY")
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setenv("XDG_SESSION_ID", "3")
    on_session_3 = server_name()
    monkeypatch.setenv("XDG_SESSION_ID", "4")
    assert server_name() != on_session_3
    monkeypatch.setenv(INSTANCE_ENV, "mine")
    assert server_name() == "mine"
