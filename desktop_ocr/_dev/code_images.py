"""Images with QR codes and barcodes in them, for the tests and the benchmark, made offline with
zxing-cpp's own writer (the same library reads them, but through a screenshot-like picture)."""

from __future__ import annotations

import random

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw

WORDS = [
    "invoice",
    "total",
    "amount",
    "due",
    "date",
    "customer",
    "account",
    "order",
    "number",
    "page",
    "report",
    "table",
    "value",
    "meeting",
    "notes",
    "project",
    "service",
    "price",
    "payment",
    "reference",
    "shipping",
    "address",
    "phone",
    "email",
]


def code_picture(text: str, format_name: str, scale: int = 4) -> Image.Image:
    """A black-on-white code (with its quiet zone) as an RGB picture; `format_name` as zxing-cpp
    names a BarcodeFormat member: "QRCode", "EAN13", "MicroQRCode", "DataMatrix", …"""
    barcode = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, format_name))
    return Image.fromarray(np.asarray(barcode.to_image(scale=scale))).convert("RGB")


def text_screen(size: tuple[int, int] = (1920, 1080), seed: int = 0) -> Image.Image:
    """A light screen of windows, lines of words and coloured blocks: a code-free screenshot."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (236, 238, 241))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, 0, width, 28), fill=(48, 52, 60))  # a top bar
    for _window in range(3):
        left, top = rng.randrange(0, width // 2), rng.randrange(40, height // 2)
        right, bottom = min(width - 1, left + rng.randrange(500, 900)), min(height - 1, top + 500)
        draw.rectangle((left, top, right, bottom), fill="white", outline=(160, 160, 170))
        draw.rectangle((left, top, right, top + 24), fill=(220, 224, 230))
        for line in range(top + 36, bottom - 16, 18):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 14)))
            draw.text((left + 12, line), f"{words} {rng.randrange(10_000)}", fill=(20, 20, 20))
        block = (right - 120, bottom - 80, right - 20, bottom - 20)
        draw.rectangle(block, fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    return image


def with_code(screen: Image.Image, code: Image.Image, at: tuple[int, int]) -> Image.Image:
    """A copy of `screen` with `code` pasted with its top-left corner at `at`."""
    result = screen.copy()
    result.paste(code, at)
    return result
