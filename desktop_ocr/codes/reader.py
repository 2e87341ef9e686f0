"""Decoding the codes of a PIL image with zxing-cpp."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from .found import Code

# What is searched for: the 2-D codes people meet on screens and paper, and every linear barcode
# (QRCode covers Micro QR and rMQR; PDF417 covers Compact and MicroPDF417). MaxiCode (parcels
# only) and DX film edges (photo negatives) are left out: each detector costs time on every image.
SYMBOLOGIES = (
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.DataMatrix,
    zxingcpp.BarcodeFormat.Aztec,
    zxingcpp.BarcodeFormat.PDF417,
    zxingcpp.BarcodeFormat.AllLinear,
)
FORMATS = tuple(
    found
    for found in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormats(SYMBOLOGIES))
    if found != zxingcpp.BarcodeFormat.DXFilmEdge
)
FORMAT_NAMES = tuple(str(name) for name in FORMATS)


def read_codes(image: Image.Image) -> list[Code]:
    """Every code zxing-cpp finds in the image, in its reading order; [] when there is none."""
    if image.width < 1 or image.height < 1:
        return []
    found = zxingcpp.read_barcodes(_luminance(image), formats=zxingcpp.BarcodeFormats(FORMATS))
    return [_code(barcode) for barcode in found if barcode.valid and barcode.text]


def _luminance(image: Image.Image) -> Image.Image:
    """Grey pixels: what the detector works on anyway. Transparent parts count as white (a
    screenshot's or a PNG's see-through background is light where it is shown)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image if image.mode == "L" else image.convert("L")


def _code(barcode: zxingcpp.Barcode) -> Code:
    where = barcode.position
    corners = (where.top_left, where.top_right, where.bottom_right, where.bottom_left)
    return Code(
        format=str(barcode.format),
        text=barcode.text,
        position=tuple((point.x, point.y) for point in corners),  # type: ignore[arg-type]
    )
