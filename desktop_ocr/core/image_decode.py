"""Image work on a pool thread that never holds the GIL long (the GUI thread waits for it).

- QImage's copy() and convertToFormat() hold the GIL for their whole run (PySide does not
  release it): ~50 and ~70 ms for a 4096² preview. Here the pixels go straight into a QImage's
  buffer through numpy, whose large copies release it.
- Pillow allocates a new image in 16 MB blocks with calloc, under the GIL. Once any such block
  has been freed, glibc serves the next ones from its heap and zeroes them: 60–110 ms for a
  9000×9000 scan. Blocks over glibc's largest mmap threshold (32 MB) are always fresh mmaps,
  which come zeroed for free.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from .records import PREVIEW_SIDE

# Format_RGB32 is 0xffRRGGBB in native byte order: B, G, R, 0xff in memory on little-endian.
_CHANNELS = (2, 1, 0, 3) if sys.byteorder == "little" else (3, 0, 1, 2)  # where R, G, B, 0xff go


PILLOW_BLOCK_SIZE = 64 * 1024 * 1024  # bytes; over glibc's DEFAULT_MMAP_THRESHOLD_MAX (32 MB)


def use_big_pillow_blocks() -> None:
    """Let Pillow allocate big images in blocks the kernel zeroes (unless the user set PILLOW_BLOCK_SIZE)."""
    if "PILLOW_BLOCK_SIZE" not in os.environ:
        Image.core.set_block_size(PILLOW_BLOCK_SIZE)


def view_image(image: Image.Image, side: int = PREVIEW_SIDE) -> QImage:
    """The image for the view, at most `side` px long, in the format a QPixmap holds (RGB32)."""
    width, height = image.size
    if max(width, height) > side:
        scale = side / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return rgb32(image)


def rgb32(image: Image.Image) -> QImage:
    """An image as a Format_RGB32 QImage, filled by numpy (the GIL is free during the copy)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    width, height = rgb.size
    target = QImage(width, height, QImage.Format.Format_RGB32)
    bits = target.bits()
    rows = np.frombuffer(bits, dtype=np.uint8).reshape(height, target.bytesPerLine())
    pixels = rows[:, : width * 4].reshape(height, width, 4)
    source = np.asarray(rgb)
    red, green, blue, opaque = _CHANNELS
    pixels[..., red] = source[..., 0]
    pixels[..., green] = source[..., 1]
    pixels[..., blue] = source[..., 2]
    pixels[..., opaque] = 255
    # No view of the QImage's buffer may outlive this call (e.g. kept by a frame in a reference
    # cycle): releasing one after the QImage is gone would touch freed memory at collection.
    del pixels, rows
    if isinstance(bits, memoryview):
        bits.release()
    return target
