"""One running app per user and display: a second `desktop-ocr` hands its request over and exits.

Users bind `desktop-ocr --snip` to a desktop hotkey; the running instance does the snip with
its model already warm.

Who is the running instance is decided by a lock file held for the process's life (the kernel
drops it when the process dies), taken before any window is made: two starts 0.3 s apart, or a
start while the running window is busy, never open a second window. A request is handled at
most once, and only when its sender was told so: the instance acknowledges it by id, the
sender confirms, and only then is it handled. A sender that gave up waiting (the running
instance stopped or hung) never confirms, so its request is dropped, not done late as well.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import IO, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

INSTANCE_ENV = "DESKTOP_OCR_INSTANCE"
# How long a second start waits for a running (starting, or busy) instance to take its request.
HANDOFF_WAIT_S = 30.0


def server_name() -> str:
    """Per user and display; $DESKTOP_OCR_INSTANCE overrides it (tests, or separate instances).

    The display (Wayland's, else X11's) tells two logins or two displays of one account apart.
    XDG_SESSION_ID only where there is no display: the processes a desktop starts for a hotkey
    often lack it while a terminal has it, and they must reach the same instance.
    """
    forced = os.environ.get(INSTANCE_ENV)
    if forced:
        return forced
    where = (
        os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("DISPLAY")
        or os.environ.get("XDG_SESSION_ID")
        or ""
    )
    name = f"desktop-ocr-{getpass.getuser()}"
    return f"{name}-{re.sub(r'[^A-Za-z0-9_.-]', '_', where)}" if where else name


def lock_path(name: str) -> Path:
    """In $XDG_RUNTIME_DIR (the user's own, cleared at logout), else the temporary folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return Path(runtime if runtime and os.path.isdir(runtime) else tempfile.gettempdir()) / f"{name}.lock"


class InstanceLock:
    """Held by the one running instance, for its whole life; released by the kernel if it dies."""

    def __init__(self, name: str) -> None:
        self.path = lock_path(name)
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        """True when this process is now the running instance."""
        if self._file is not None:
            return True
        try:
            handle = open(self.path, "a+")  # noqa: SIM115 (held open for the process's life)
        except OSError:
            return True  # no lock file can be made here: the socket alone decides, as before
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def holder(self) -> str:
        """The running instance's process id, as it wrote it ('' if unknown)."""
        with contextlib.suppress(OSError):
            return self.path.read_text().strip()
        return ""

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _read_line(socket: QLocalSocket, deadline: float) -> bytes:
    while not socket.canReadLine():
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0 or not socket.waitForReadyRead(left):
            return b""
    return bytes(socket.readLine().data()).strip()


def send_to_running_instance(request: dict[str, Any], timeout_s: float = 1.0) -> bool:
    """Deliver `request` to a running instance; False when none took it (none runs, or it did
    not acknowledge within `timeout_s`; then it never handles it either)."""
    deadline = time.monotonic() + timeout_s
    request = {**request, "id": request.get("id") or uuid.uuid4().hex}
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(max(1, int(timeout_s * 1000))):
        return False
    try:
        socket.write(json.dumps(request).encode() + b"\n")
        socket.flush()
        if _read_line(socket, deadline) != f"ack {request['id']}".encode():
            return False
        socket.write(f"go {request['id']}\n".encode())
        socket.flush()
        while socket.bytesToWrite() > 0 and socket.waitForBytesWritten(1000):
            pass
        # Handled once confirmed: its "done" says so (a missing one still means taken).
        _read_line(socket, time.monotonic() + 1.0)
        return True
    finally:
        socket.disconnectFromServer()


class InstanceServer(QObject):
    """Listens for requests from later `desktop-ocr` processes."""

    request_received = Signal(dict)

    def __init__(self) -> None:
        super().__init__()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._pending: dict[QLocalSocket, dict[str, Any]] = {}
        self._handled: set[str] = set()

    def listen(self) -> bool:
        """Call only while holding the InstanceLock: a socket found then is a crash's leftover."""
        name = server_name()
        if self._server.listen(name):
            return True
        QLocalServer.removeServer(name)
        return self._server.listen(name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(lambda socket=socket: self._drop(socket))

    def _drop(self, socket: QLocalSocket) -> None:
        self._pending.pop(socket, None)  # acknowledged but never confirmed: the sender gave up
        if shiboken6.isValid(socket):  # closing the server at quit has deleted it already
            socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data())
            pending = self._pending.pop(socket, None)
            if pending is not None:
                if line.strip() == f"go {pending['id']}".encode():
                    socket.write(b"done\n")
                    socket.flush()
                    self._handle(pending)
                continue
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if not isinstance(request, dict) or not isinstance(request.get("id"), str):
                continue
            self._pending[socket] = request
            socket.write(f"ack {request['id']}\n".encode())
            socket.flush()

    def _handle(self, request: dict[str, Any]) -> None:
        if request["id"] in self._handled:
            return
        self._handled.add(request["id"])
        given = {k: v for k, v in request.items() if k != "id"}
        # From the event loop, not from inside this socket's readyRead: handling a request may
        # open a modal dialog (a PDF's page range), whose nested loop deletes the socket once the
        # sender hangs up, under the read loop that is still using it.
        QTimer.singleShot(0, lambda: self.request_received.emit(given))
