"""The view's image is made without holding the GIL long: the GUI thread keeps running meanwhile."""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Callable

import pytest
from PIL import Image
from PySide6.QtGui import QImage

from desktop_ocr.core.image_decode import PILLOW_BLOCK_SIZE, rgb32, use_big_pillow_blocks, view_image
from desktop_ocr.core.records import to_qimage
from tests.conftest import noise_image


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


@pytest.mark.parametrize("size", [(5, 3), (333, 101), (64, 64)])
def test_rgb32_has_the_pixels_of_the_plain_conversion(size):
    image = noise_image(*size)
    made = rgb32(image)
    assert made.format() == QImage.Format.Format_RGB32
    assert made == to_qimage(image).convertToFormat(QImage.Format.Format_RGB32)
    grey = image.convert("L")
    assert rgb32(grey) == to_qimage(grey).convertToFormat(QImage.Format.Format_RGB32)


def test_view_image_caps_the_long_side():
    assert view_image(noise_image(400, 100), side=200).size().toTuple() == (200, 50)
    assert view_image(noise_image(40, 10), side=200).size().toTuple() == (40, 10)


def test_making_a_big_view_image_leaves_the_gil_to_other_threads():
    image = Image.new("RGB", (4096, 4096), (200, 120, 40))
    qt_copy = worst_wait(lambda: to_qimage(image).convertToFormat(QImage.Format.Format_RGB32))
    numpy_fill = worst_wait(lambda: rgb32(image))
    assert numpy_fill < qt_copy / 2, (numpy_fill, qt_copy)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the zeroing cost is glibc's heap reuse")
def test_big_pillow_blocks_allocate_a_scan_without_holding_the_gil():
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
    assert big_blocks < small_blocks / 2, (big_blocks, small_blocks)
