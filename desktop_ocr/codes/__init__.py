"""QR codes and barcodes in an image, read beside the model (never instead of it). No Qt.

codes = read_codes(image)            # a PIL image; [] when there is none
codes[0].format, codes[0].text       # "QR Code", "https://…"
codes[0].position                    # four corners in the image's pixels, clockwise from top-left
codes_json(codes)                    # [{"format", "text", "position"}] for JSON and the history
"""

from .found import Code, Corner, codes_from_json, codes_json
from .links import link_of
from .reader import FORMAT_NAMES, read_codes

__all__ = [
    "FORMAT_NAMES",
    "Code",
    "Corner",
    "codes_from_json",
    "codes_json",
    "link_of",
    "read_codes",
]
