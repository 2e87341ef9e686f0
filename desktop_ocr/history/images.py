"""A page's image as lossless PNG plus a small thumbnail, encoded before the database is touched."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

THUMBNAIL_HEIGHT = 96
# zlib level 3: a full-HD screenshot encodes several times faster than at the default 6, for a
# file a little larger; PNG stays lossless at any level.
PNG_LEVEL = 3


@dataclass(frozen=True)
class PageImage:
    png: bytes
    thumbnail: bytes  # PNG, THUMBNAIL_HEIGHT px high (less for smaller images)
    width: int
    height: int

    @classmethod
    def encode(cls, image: Image.Image, thumbnail_height: int = THUMBNAIL_HEIGHT) -> PageImage:
        """Encode once (any thread): call it off the GUI thread for big images."""
        if image.mode not in ("RGB", "RGBA", "L", "LA", "I;16", "1", "P"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=PNG_LEVEL)
        return cls(buffer.getvalue(), thumbnail_png(image, thumbnail_height), image.width, image.height)


def thumbnail_png(image: Image.Image, height: int = THUMBNAIL_HEIGHT) -> bytes:
    small = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if small.height > height:
        width = max(1, round(small.width * height / small.height))
        small = small.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    small.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
