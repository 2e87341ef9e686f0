"""How long making a view image holds the GIL, against the plain Qt conversion, in the same run.

The GUI thread must keep running while a big image becomes its view (core/image_decode.py):
the numpy fill and big Pillow blocks release the GIL where QImage's copy and Pillow's small
blocks do not. Printed as ratios (target: < 0.5 each).

    QT_QPA_PLATFORM=offscreen python bench/gil_release.py
"""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Callable

from PIL import Image
from PySide6.QtGui import QImage

from desktop_ocr.core.image_decode import PILLOW_BLOCK_SIZE, rgb32, use_big_pillow_blocks
from desktop_ocr.core.records import to_qimage


def worst_wait(work: Callable[[], object]) -> float:
    """The longest this thread waited (for the GIL) between 1 ms naps while `work` ran on another."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (work(), done.set()))
    worst, last = 0.0, time.perf_counter()
    thread.start()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        worst, last = max(worst, now - last - 0.001), now
    thread.join()
    return worst


def main() -> None:
    image = Image.new("RGB", (4096, 4096), (200, 120, 40))
    qt_copy = worst_wait(lambda: to_qimage(image).convertToFormat(QImage.Format.Format_RGB32))
    numpy_fill = worst_wait(lambda: rgb32(image))
    print(
        f"view image 4096²: worst GIL wait {numpy_fill * 1000:.1f} ms vs Qt copy {qt_copy * 1000:.1f} ms"
        f" → ratio {numpy_fill / qt_copy:.2f} (target < 0.5)"
    )
    if platform.libc_ver()[0] != "glibc":
        return  # the zeroing cost is glibc's heap reuse
    side = 9000
    try:
        Image.core.set_block_size(16 * 1024 * 1024)  # Pillow's default
        Image.new("RGB", (side, side)).load()  # freeing its blocks lets glibc reuse (and zero) them
        small_blocks = worst_wait(lambda: Image.core.new("RGB", (side, side)))
        use_big_pillow_blocks()
        assert Image.core.get_block_size() == PILLOW_BLOCK_SIZE
        big_blocks = worst_wait(lambda: Image.core.new("RGB", (side, side)))
    finally:
        use_big_pillow_blocks()
    print(
        f"9000² scan: worst GIL wait {big_blocks * 1000:.1f} ms with big blocks"
        f" vs {small_blocks * 1000:.1f} ms"
        f" → ratio {big_blocks / small_blocks:.2f} (target < 0.5)"
    )


if __name__ == "__main__":
    main()
