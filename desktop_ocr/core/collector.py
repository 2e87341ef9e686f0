"""Python's cyclic garbage collection, run on the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate: the engine's thread,
the image decoders', the history writer's. Garbage cycles can hold Qt objects made on the GUI
thread (wrappers of images, widgets, signals), whose C++ destructors then run on that other
thread while the GUI thread uses Qt: a crash in libc's allocator or Python aborting inside
gc.collect(), at random. This is pyqtgraph's remedy: automatic collection off, and the same
thresholds checked from a timer on the GUI thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    """While started, every cyclic collection runs on the thread that owns this object (the GUI's)."""

    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()
        self.collections = 0  # how many this object ran (tests read it)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Automatic collection back as it was (the process may go on without a GUI: tests)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> None:
        """Collect the oldest generation whose count is past its threshold, as gc itself would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = [
            generation
            for generation in range(3)
            if thresholds[generation] and counts[generation] > thresholds[generation]
        ]
        if due:
            self.collect(max(due))

    def collect(self, generation: int = 2) -> None:
        gc.collect(generation)
        self.collections += 1
