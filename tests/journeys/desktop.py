"""A desktop of the journeys' own: Xvfb, openbox, a private session D-Bus and the AT-SPI bus."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from desktop_ocr._dev.desktop import process, start_session_bus, start_xvfb

T = TypeVar("T")

AT_SPI_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"


class TimedOut(AssertionError):
    """A wait-until ran past its deadline; the message says what was awaited and the last value."""


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 30.0, every: float = 0.05) -> T:
    """Poll `probe` until it returns something truthy; its value. Raises TimedOut past `timeout`."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            value = probe()
        except Exception as error:  # noqa: BLE001 - the tree changes under the probe; try again
            value, last_error = None, error
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimedOut(
                f"timed out waiting for {what}" + (f" (last error: {last_error!r})" if last_error else "")
            )
        time.sleep(every)


@dataclass
class Desktop:
    """What a journey's app process needs in its environment to run on this desktop."""

    display: str
    bus_address: str
    runtime_dir: Path
    width: int
    height: int

    def env(self) -> dict[str, str]:
        return {
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
        }

    def run(self, *command: str, timeout: float = 20, **kwargs) -> subprocess.CompletedProcess:
        """A tool (xdotool, xclip, xwininfo) run against this desktop."""
        env = {**os.environ, **self.env(), **kwargs.pop("env", {})}
        return subprocess.run(
            list(command), env=env, timeout=timeout, capture_output=True, check=False, **kwargs
        )


def _require(*programs: str) -> None:
    missing = [name for name in programs if not shutil.which(name)]
    if not Path(AT_SPI_LAUNCHER).exists():
        missing.append(AT_SPI_LAUNCHER)
    assert not missing, f".ci/run installs these: {missing}"


@contextmanager
def desktop(width: int = 1600, height: int = 1000) -> Iterator[Desktop]:
    """Start Xvfb (24-bit, -noreset), a session bus, the AT-SPI bus and openbox; stop them after."""
    _require("Xvfb", "openbox", "dbus-daemon", "xdotool", "xclip", "xwininfo")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="desktop-ocr-journey-")))
        runtime = folder / "run"
        runtime.mkdir(mode=0o700)
        # No service files on the bus: nothing of the machine's (a notification daemon, a portal) is
        # activated behind the test's back.
        display = start_xvfb(stack, width, height)
        address = start_session_bus(stack, folder)
        found = Desktop(display, address, runtime, width, height)
        env = {**os.environ, **found.env()}
        logs = stack.enter_context(open(folder / "desktop.log", "w"))
        stack.enter_context(process([AT_SPI_LAUNCHER, "--launch-immediately", "--a11y=1"], env=env,
                                     stdout=logs, stderr=logs))  # fmt: skip
        from .atspi import a11y_bus_address

        wait_until(lambda: a11y_bus_address(address), "the AT-SPI bus", 20)
        stack.enter_context(process(["openbox"], env=env, stdout=logs, stderr=logs))
        wait_until(lambda: b"_NET_SUPPORTING_WM_CHECK" in found.run("xprop", "-root").stdout, "openbox", 20)
        yield found
