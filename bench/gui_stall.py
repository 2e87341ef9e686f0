"""Hand the window a 9000×9000 PNG; print the GUI thread's worst stall, against the old path.

A 5 ms heartbeat timer on the GUI thread records how late each tick fires: its worst lateness
is the longest the window froze. The window decodes off the GUI thread (ui/inputs.py); the old
path (load_image, then a PNG re-encode for the view, both on the GUI thread) is measured in
the same run with the same heartbeat. Target: the window's worst stall < 50 ms.

    xvfb-run -s "-screen 0 1600x1000x24" python bench/gui_stall.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop_ocr.core.records import State
from desktop_ocr.core.settings_store import Settings
from desktop_ocr.engine.images import load_image
from desktop_ocr.ui.application import App

SIDE = 9000
TICK_MS = 5


class Heartbeat:
    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0

    def start(self) -> None:
        self.worst = 0.0
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        gap = self.clock.restart()
        self.worst = max(self.worst, gap - TICK_MS)

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


def scan(path: Path) -> None:
    """A page-like 9000×9000 image: white, with dark text-like stripes and some grain."""
    rows = np.arange(SIDE, dtype=np.uint16)[:, None]
    cols = np.arange(SIDE, dtype=np.uint16)[None, :]
    ink = ((rows % 60) < 18) & (((cols * 7 + rows) % 23) < 12)
    grey = np.where(ink, 30, 250).astype(np.uint8)
    grey ^= (rows.astype(np.uint8) * 3 + cols.astype(np.uint8)) & 7
    Image.fromarray(np.stack([grey] * 3, axis=-1)).save(path, compress_level=1)


def spin(app: QApplication, until, timeout_ms: int = 120_000) -> None:
    clock = QElapsedTimer()
    clock.start()
    while not until() and clock.elapsed() < timeout_ms:
        # Sleep until an event comes (the heartbeat wakes it): a busy loop would hog the GIL.
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    if not until():
        raise SystemExit("timed out")


def pause(app: QApplication, ms: int) -> None:
    """Let the event loop (and the heartbeat) run for `ms`."""
    clock = QElapsedTimer()
    clock.start()
    spin(app, lambda: clock.elapsed() > ms)


def main() -> None:
    app = QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="gui-stall-"))
    os.environ["DESKTOP_OCR_DATA_DIR"] = str(folder / "history")  # never the user's own history
    path = folder / "scan.png"
    scan(path)
    print(f"{SIDE}×{SIDE} PNG, {path.stat().st_size / 1e6:.1f} MB")
    store = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
    # No model: the bench measures the image's arrival, not recognition.
    ocr = App(Settings(model=str(folder / "no-model"), device="cpu"), store, persist=False)
    ocr.window.show()
    spin(app, lambda: ocr.window.status.label.text() == "no model")
    heartbeat = Heartbeat()

    heartbeat.start()
    pause(app, 100)
    (record_id,) = ocr.add_paths([path])
    spin(app, lambda: ocr.records[record_id].state is not State.OPENING)
    pause(app, 50)
    new = heartbeat.stop()
    assert ocr.records[record_id].state is State.QUEUED, ocr.records[record_id].state

    def old_path() -> None:
        image = load_image(str(path))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        QImage.fromData(buffer.getvalue())
        done.append(True)

    done: list[bool] = []
    heartbeat.start()
    pause(app, 100)
    QTimer.singleShot(0, old_path)
    spin(app, lambda: bool(done))
    pause(app, 50)
    old = heartbeat.stop()
    print(f"worst GUI stall, old synchronous path: {old:8.0f} ms")
    print(f"worst GUI stall, the window now:       {new:8.0f} ms   (target < 50 ms)")
    ocr.shut_down()


if __name__ == "__main__":
    main()
