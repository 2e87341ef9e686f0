"""A handed-over request whose handling runs a nested event loop (a PDF's page-range dialog is
modal) must not run it inside the socket's read: the sender hangs up meanwhile, and the socket
it read from is deleted under the read loop (a traceback on every multi-page PDF handed over)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from PySide6.QtCore import QEventLoop, QTimer

from desktop_ocr.ui.platform.single_instance import InstanceServer

pytestmark = pytest.mark.subprocess

REQUEST = {"images": ["/tmp/two.pdf"], "snip": False}
SEND = (
    "import json, sys; from desktop_ocr.ui.platform.single_instance import send_to_running_instance;"
    " sys.exit(0 if send_to_running_instance(json.loads(sys.argv[1]), timeout_s=10) else 3)"
)


def test_a_request_handled_in_a_nested_loop_leaves_no_traceback(qtbot, monkeypatch):
    monkeypatch.setenv("DESKTOP_OCR_INSTANCE", f"handoff-{uuid.uuid4().hex}")
    server = InstanceServer()
    assert server.listen()
    handled: list[dict] = []

    def handle(request: dict) -> None:
        # As a modal dialog does: its own loop runs until the person answers; here, until the
        # sender (another process, as in use) has hung up and that was seen in this loop.
        loop = QEventLoop()
        ticks: list[int] = []

        def check() -> None:
            if sender.poll() is not None:
                ticks.append(1)
                if len(ticks) > 20:  # the hang-up's events ran in this loop meanwhile
                    loop.quit()

        timer = QTimer()
        timer.timeout.connect(check)
        timer.start(5)
        loop.exec()
        timer.stop()
        handled.append(request)

    server.request_received.connect(handle)
    sender = subprocess.Popen([sys.executable, "-c", SEND, json.dumps(REQUEST)], env=dict(os.environ))
    qtbot.waitUntil(lambda: bool(handled), timeout=60_000)  # pytest-qt fails on a slot's traceback
    server.close()
    assert sender.wait(timeout=30) == 0  # the sender was told its request was taken
    assert handled == [REQUEST]
