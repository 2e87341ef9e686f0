"""One running app per user: a second `desktop-ocr` hands its request over and exits.

Users bind `desktop-ocr --snip` to a desktop hotkey; the running instance does the snip with
its model already warm.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

INSTANCE_ENV = "DESKTOP_OCR_INSTANCE"


def server_name() -> str:
    """Per user; $DESKTOP_OCR_INSTANCE overrides it (tests, or deliberately separate instances)."""
    return os.environ.get(INSTANCE_ENV) or f"desktop-ocr-{getpass.getuser()}"


def send_to_running_instance(request: dict[str, Any], timeout_ms: int = 1000) -> bool:
    """Deliver `request` to a running instance; False when none is running."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(json.dumps(request).encode() + b"\n")
    socket.flush()
    if socket.bytesToWrite() > 0:
        socket.waitForBytesWritten(timeout_ms)
    # The instance acknowledges each request, so a request is never lost in a half-open socket.
    acknowledged = socket.waitForReadyRead(timeout_ms) and bytes(socket.readAll().data()).startswith(b"ok")
    socket.disconnectFromServer()
    return acknowledged


class InstanceServer(QObject):
    """Listens for requests from later `desktop-ocr` processes."""

    request_received = Signal(dict)

    def __init__(self) -> None:
        super().__init__()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        name = server_name()
        if self._server.listen(name):
            return True
        QLocalServer.removeServer(name)  # a stale socket left by a crash
        return self._server.listen(name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda socket=socket: self._read(socket))

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        line = bytes(socket.readLine().data())
        socket.write(b"ok\n")
        socket.flush()
        try:
            request = json.loads(line)
        except ValueError:
            return
        if isinstance(request, dict):
            self.request_received.emit(request)
