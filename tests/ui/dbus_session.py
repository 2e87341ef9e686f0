"""A private D-Bus session bus (dbus-daemon) and the fake services of fake_dbus.py on it."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtDBus import QDBusConnection

FAKE = Path(__file__).with_name("fake_dbus.py")
CLIENT = Path(__file__).with_name("portal_client.py")
ROOT = Path(__file__).parents[2]

# A session bus that knows no services but the ones a test starts. `--session` reads the
# system's session.conf, whose <standard_session_servicedirs/> would let the bus activate
# whatever is installed (a notification daemon answering Notify where a test expects none).
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{folder}/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextmanager
def private_bus() -> Iterator[str]:
    """Start a dbus-daemon (Debian package dbus-daemon) with BUS_CONFIG; yield its address."""
    daemon = shutil.which("dbus-daemon")
    assert daemon, ".ci/run installs dbus-daemon"
    with tempfile.TemporaryDirectory(prefix="desktop-ocr-bus-") as folder:
        (Path(folder) / "services").mkdir()  # empty: nothing to activate
        config = Path(folder) / "bus.conf"
        config.write_text(BUS_CONFIG.format(folder=folder))
        process = subprocess.Popen(
            [daemon, f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            address = process.stdout.readline().strip()
            assert address, "dbus-daemon printed no address"
            yield address
        finally:
            process.terminate()
            process.wait(10)


def connect(address: str) -> QDBusConnection:
    """A QtDBus connection of our own to that bus (sessionBus() may point elsewhere)."""
    bus = QDBusConnection.connectToBus(address, f"test-{uuid.uuid4().hex}")
    assert bus.isConnected(), bus.lastError().message()
    return bus


class JsonLines:
    """A Python script as a subprocess on the bus at `address`, printing one JSON object a line."""

    def __init__(self, address: str, script: Path, *args: str) -> None:
        # The package under test (this checkout) first, as in the test process itself.
        path = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
        env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "PYTHONPATH": path}
        self.process = subprocess.Popen(
            [sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True, env=env
        )
        self.lines: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def next(self, timeout: float = 5) -> dict | None:
        """The next printed line, or None if none comes within `timeout` seconds."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class PortalClient(JsonLines):
    """portal_client.py: the app's portal code in a process whose session bus is `address`."""

    def __init__(self, address: str, what: str) -> None:
        super().__init__(address, CLIENT, what)


class FakeService(JsonLines):
    """fake_dbus.py as a subprocess; `next()` and `call()` read the calls it has printed."""

    def __init__(self, address: str, *args: str) -> None:
        super().__init__(address, FAKE, *args)
        assert self.next(10) == {"ready": True}

    def call(self, member: str, timeout: float = 5) -> dict:
        """Skip printed calls until one to `member`."""
        while True:
            entry = self.next(timeout)
            assert entry is not None, f"no {member} call reached the fake service"
            if entry.get("member") == member:
                return entry
