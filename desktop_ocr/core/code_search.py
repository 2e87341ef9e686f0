"""The window's code search: each image's QR codes and barcodes, read on a thread of their own."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

from PIL import Image
from PySide6.QtCore import QObject, Signal

from ..codes import Code, read_codes


class CodeSearch(QObject):
    """`read(record_id, image)` returns at once; `found(record_id, codes)` follows on the GUI
    thread with a tuple of Code (empty when the image has none)."""

    found = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="codes")
        self._closed = False

    def read(self, record_id: int, image: Image.Image) -> None:
        if not self._closed:
            self._pool.submit(self._read, record_id, image)

    def _read(self, record_id: int, image: Image.Image) -> None:
        codes: tuple[Code, ...] = ()
        # An image zxing-cpp cannot take has no code to show; the answer goes on all the same.
        with contextlib.suppress(ValueError, RuntimeError, OSError, MemoryError):
            codes = tuple(read_codes(image))
        self.found.emit(record_id, codes)

    def shut_down(self) -> None:
        """Finish the reads under way (at most one image's worth); later ones are not started."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
