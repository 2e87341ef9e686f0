"""Where the window's full images live: in memory until their record is written, then on disk.

`DiskImageKeeper` is the session's ImageKeeper once the history is on: an image stays in memory
until its record is written (and while it is the current one), then is read back lazily from
its PNG file. `trim_heap` gives the freed memory back to the OS.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from PIL import Image

from ..history import HistoryStore


class DiskImageKeeper:
    """Images in memory only until written (or while current); afterwards read from the store."""

    def __init__(self) -> None:
        self._memory: dict[int, Image.Image] = {}
        self._lock = threading.Lock()
        self.current: int | None = None
        self.store_id: Callable[[int], int | None] = lambda _sid: None
        self.store: Callable[[], HistoryStore | None] = lambda: None
        self.on_put: Callable[[int, Image.Image], None] = lambda _record_id, _image: None

    def put(self, record_id: int, image: Image.Image) -> None:
        with self._lock:
            self._memory[record_id] = image
        self.on_put(record_id, image)

    def get(self, record_id: int) -> Image.Image:
        with self._lock:
            image = self._memory.get(record_id)
        if image is not None:
            return image
        store, store_id = self.store(), self.store_id(record_id)
        path = store.image_path(store_id) if store is not None and store_id is not None else None
        if path is not None:
            # Lazy: Image.open reads the header only; the pixels are decoded where they are used
            # (the worker thread, for a request), never here on the GUI thread.
            return Image.open(path)
        data = store.image(store_id) if store is not None and store_id is not None else None
        if data is None:
            raise KeyError(record_id)
        import io

        return Image.open(io.BytesIO(data))  # the in-memory store (history off): still lazy

    def memory(self, record_id: int) -> Image.Image | None:
        """The image if it is held in memory (not yet written), else None."""
        with self._lock:
            return self._memory.get(record_id)

    def drop(self, record_id: int) -> None:
        with self._lock:
            self._memory.pop(record_id, None)

    def release(self, record_id: int) -> None:
        """The image is safely on disk: free it unless it is the one shown."""
        if record_id != self.current:
            self.drop(record_id)  # in memory too: the store keeps it as PNG, smaller than pixels

    def focus(self, record_id: int | None) -> None:
        """The record now shown; the previous one's image is freed if it is on disk."""
        previous, self.current = self.current, record_id
        if previous is not None and previous != record_id and self.store_id(previous) is not None:
            self.release(previous)

    def held(self) -> int:
        """How many full images are in memory (for tests)."""
        with self._lock:
            return len(self._memory)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (macOS, Windows, musl): their allocators return memory themselves


_TRIM = _malloc_trim() if sys.platform.startswith("linux") else None


def trim_heap() -> None:
    """Return freed heap memory to the OS (glibc keeps it otherwise).

    A full-HD image is ~6 MB, freed on one thread and allocated on another: glibc keeps those
    blocks in its per-thread arenas, so without this a window that had 200 screenshots handed to
    it held ~250 MB more, though no image was referenced any more (bench/window_memory.py).
    """
    if _TRIM is not None:
        _TRIM(0)
