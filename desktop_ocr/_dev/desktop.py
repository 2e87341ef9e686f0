"""A desktop of the screenshots' own: Xvfb, a private session D-Bus and openbox, and its tools.

The journey tests build theirs on `start_xvfb` and `start_session_bus` here, adding the
accessibility bus; the screenshots wait on what they see (windows, pixels, the history's
database), not on the accessibility tree.
"""

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

T = TypeVar("T")

# No service files: nothing of the machine's (a notification daemon, a portal) is started on it.
SESSION_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
NEEDED = {"Xvfb": "xvfb", "openbox": "openbox", "dbus-daemon": "dbus-daemon", "xdotool": "xdotool",
          "xwininfo": "x11-utils", "xprop": "x11-utils"}  # fmt: skip


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 60.0, every: float = 0.1) -> T:
    """`probe()`'s first truthy value, polled; RuntimeError naming `what` past `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(every)


@dataclass
class Desktop:
    display: str
    bus_address: str
    runtime_dir: Path

    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
                "XDG_RUNTIME_DIR": str(self.runtime_dir)}  # fmt: skip

    def run(self, *command: str, timeout: float = 30) -> str:
        """A tool (xdotool, xwininfo) run on this desktop; its stdout ('' when it failed)."""
        result = subprocess.run(list(command), env={**os.environ, **self.env()}, timeout=timeout,
                                capture_output=True, text=True, check=False)  # fmt: skip
        return result.stdout if result.returncode == 0 else ""

    def windows(self, pid: int, name: str | None = None) -> list[str]:
        """The X ids of `pid`'s shown windows (named `name` exactly, if given)."""
        search = ["xdotool", "search", "--all", "--onlyvisible", "--pid", str(pid)]  # all: not any one
        return self.run(*search, *(["--name", f"^{name}$"] if name else [])).split()

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        """x, y, width, height of an X window on the screen, its frame left out."""
        values = {}
        for line in self.run("xwininfo", "-id", window).splitlines():
            key, _, value = line.strip().partition(":")
            values[key] = value.strip()
        return (int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"]),
                int(values["Width"]), int(values["Height"]))  # fmt: skip


@contextmanager
def process(command: list[str], **kwargs: object) -> Iterator[subprocess.Popen[bytes]]:
    """A background process for the `with` block's life: terminated (then killed) after it."""
    started = subprocess.Popen(command, **kwargs)  # type: ignore[call-overload]
    try:
        yield started
    finally:
        if started.poll() is None:
            started.terminate()
            try:
                started.wait(10)
            except subprocess.TimeoutExpired:
                started.kill()
                started.wait(10)


def start_xvfb(stack: ExitStack, width: int, height: int) -> str:
    """Xvfb (24-bit, -noreset) for the life of `stack`; its display, ":N"."""
    read, write = os.pipe()
    screen = f"{width}x{height}x24"
    xvfb = stack.enter_context(process(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", screen, "-noreset", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number or xvfb.poll() is not None:
        raise RuntimeError("Xvfb did not start")
    return f":{number}"


def start_session_bus(stack: ExitStack, folder: Path) -> str:
    """A session dbus-daemon without service files, for the life of `stack`; its address."""
    config = folder / "session.conf"
    config.write_text(SESSION_BUS_CONFIG.format(folder=folder))
    bus = stack.enter_context(process(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))  # fmt: skip
    address = str(bus.stdout.readline()).strip() if bus.stdout else ""
    if not address:
        raise RuntimeError("dbus-daemon printed no address")
    return address


@contextmanager
def desktop(width: int, height: int) -> Iterator[Desktop]:
    """Start Xvfb (24-bit), a session bus and openbox; stop exactly those after."""
    missing = sorted({package for program, package in NEEDED.items() if not shutil.which(program)})
    if missing:
        raise SystemExit(f"the screenshots need these Debian packages: apt-get install {' '.join(missing)}")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="desktop-ocr-shots-x-")))
        runtime = folder / "run"
        runtime.mkdir(mode=0o700)
        display = start_xvfb(stack, width, height)
        address = start_session_bus(stack, folder)
        found = Desktop(display, address, runtime)
        logs = stack.enter_context(open(folder / "openbox.log", "w"))
        stack.enter_context(process(["openbox"], env={**os.environ, **found.env()}, stdout=logs, stderr=logs))
        wait_until(lambda: "_NET_SUPPORTING_WM_CHECK" in found.run("xprop", "-root"), "openbox", 30)
        yield found
