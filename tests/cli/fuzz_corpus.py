"""A corpus of bad, odd and good inputs, generated at test time (nothing binary is committed).

`build(folder)` writes it and returns each input with what is known of it: `good` inputs must
be answered; the others may be answered or refused, but in one line each.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from desktop_ocr._dev.pdfs import encrypted_pdf, make_blank_pdf, make_pdf, make_tiff, text_page


@dataclass(frozen=True)
class Case:
    path: Path
    good: bool = False  # must be answered (every page, for a document)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_with_chunk(kind: bytes, payload: bytes, size: tuple[int, int] = (40, 30)) -> bytes:
    """A valid RGB PNG with one extra chunk before its pixels."""
    width, height = size
    rows = b"".join(b"\0" + bytes(range(256))[: width * 3].ljust(width * 3, b"\x80") for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(kind, payload)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def tiff_pages(sizes: list[tuple[int, int]]) -> bytes:
    """A greyscale multi-page TIFF whose pages claim `sizes`. Pages up to 1 MP hold their pixels;
    bigger ones one tiny strip: a header can claim a bomb's size without the file holding (or a
    test making) its pixels."""
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    previous_link = 4
    for width, height in sizes:
        strip = len(out)
        length = width * height if width * height <= 1_000_000 else 64
        out += bytes(range(256)) * (length // 256) + bytes(length % 256)
        entries = [
            (256, 4, width),  # ImageWidth, LONG
            (257, 4, height),  # ImageLength
            (258, 3, 8),  # BitsPerSample, SHORT
            (259, 3, 1),  # Compression: none
            (262, 3, 1),  # BlackIsZero
            (273, 4, strip),  # StripOffsets
            (277, 3, 1),  # SamplesPerPixel
            (278, 4, height),  # RowsPerStrip
            (279, 4, length),  # StripByteCounts
        ]
        ifd = len(out)
        out[previous_link : previous_link + 4] = struct.pack("<I", ifd)
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            packed = struct.pack("<I", value) if kind == 4 else struct.pack("<HH", value, 0)
            out += struct.pack("<HHI", tag, kind, 1) + packed
        previous_link = len(out)
        out += b"\x00\x00\x00\x00"
    return bytes(out)


def tiny_pdf(pages: str, page: str = "") -> bytes:
    """A PDF from its page tree's and (optional) single page's dictionaries."""
    body = f"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<<{pages}>>endobj "
    body += f"3 0 obj<<{page}>>endobj\n" if page else "\n"
    return b"%PDF-1.7\n" + body.encode() + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def strip_pdf(width: float, height: float) -> bytes:
    return tiny_pdf(
        "/Type/Pages/Kids[3 0 R]/Count 1", f"/Type/Page/Parent 2 0 R/MediaBox[0 0 {width} {height}]"
    )


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _noise(size: tuple[int, int], seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def build(folder: Path) -> list[Case]:
    """Write the corpus into `folder` (which must exist)."""
    rng = random.Random(20261203)
    cases: list[Case] = []

    def add(name: str, data: bytes | None = None, good: bool = False) -> Path:
        path = folder / f"{len(cases):03d}-{name}"
        if data is not None:
            path.write_bytes(data)
        cases.append(Case(path, good))
        return path

    picture = _noise((96, 64), 1)
    originals = {
        "png": _encoded(picture, "PNG"),
        "jpg": _encoded(picture, "JPEG", quality=80),
        "gif": _encoded(picture.convert("P"), "GIF"),
        "bmp": _encoded(picture, "BMP"),
        "webp": _encoded(picture, "WEBP"),
        "tiff": _encoded(picture, "TIFF", compression="tiff_lzw"),
    }
    # Image mutations (84): each format cut at four points, bit-flipped, its header zeroed.
    for ext, data in originals.items():
        add(f"valid.{ext}", data, good=True)
        for fraction in (0.05, 0.33, 0.66, 0.99):
            add(f"cut{int(fraction * 100)}.{ext}", data[: int(len(data) * fraction)])
        for flip in range(6):
            mutated = bytearray(data)
            for _ in range(1 + flip):
                position = rng.randrange(len(mutated))
                mutated[position] ^= 1 << rng.randrange(8)
            add(f"flip{flip}.{ext}", bytes(mutated))
        add(f"zerohead.{ext}", bytes(16) + data[16:])
        add(f"doubled.{ext}", data + data)
        add(f"junktail.{ext}", data + bytes(rng.randrange(256) for _ in range(500)))

    # Special images (60): every mode, odd sizes, strips, alpha, deep and float pixels, EXIF.
    for mode in ("1", "L", "P", "RGB", "RGBA", "LA", "CMYK", "I", "I;16", "F"):
        image = Image.new(mode, (80, 40))
        suffix = "tiff" if mode in ("I", "F", "CMYK", "LA") else "png"
        add(f"mode-{mode.replace(';', '_')}.{suffix}", _encoded(image, suffix.upper()), good=True)
    for size in ((1, 1), (1, 2000), (2000, 1), (3, 3000), (5000, 20), (28, 28), (27, 29), (600, 600)):
        add(f"size-{size[0]}x{size[1]}.png", _encoded(Image.new("RGB", size, "white"), "PNG"), good=True)
    nan = np.full((20, 30), np.nan, dtype=np.float32)
    nan[5:10, 5:10] = 1.0
    add("nan.tiff", _encoded(Image.fromarray(nan), "TIFF"))
    add("inf.tiff", _encoded(Image.fromarray(np.full((20, 30), np.inf, dtype=np.float32)), "TIFF"))
    deep = np.arange(600, dtype=np.uint16).reshape(20, 30) * 100
    add("deep16.png", _encoded(Image.fromarray(deep), "PNG"), good=True)
    transparent = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    add("transparent.png", _encoded(transparent, "PNG"), good=True)
    frames = [_noise((40, 30), seed) for seed in range(3)]
    add("animated.gif", _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:]), good=True)
    add("animated.png", _encoded(frames[0], "PNG", save_all=True, append_images=frames[1:]), good=True)
    for orientation in range(0, 10):
        exif = Image.Exif()
        exif[0x0112] = orientation
        add(f"exif-orient{orientation}.jpg", _encoded(picture, "JPEG", exif=exif.tobytes()))
    add(
        "exif-garbage.jpg",
        _encoded(picture, "JPEG", exif=b"Exif\x00\x00" + bytes(rng.randrange(256) for _ in range(300))),
    )
    # Chunks that inflate past Pillow's limit: the review's first crash.
    bomb = zlib.compress(b"A" * 8_000_000)
    add("ztxt-bomb.png", png_with_chunk(b"zTXt", b"c\0\0" + bomb))
    add("iccp-bomb.png", png_with_chunk(b"iCCP", b"icc\0\0" + bomb))
    add("itxt-bomb.png", png_with_chunk(b"iTXt", b"c\0\x01\0\0\0" + bomb))
    add("text-pdf-marker.png", png_with_chunk(b"tEXt", b"Comment\0%PDF-1.7 not a document"), good=True)
    info = PngImagePlugin.PngInfo()
    info.add_text("c", "%PDF-1.4")
    add("pdf-marker.png", _encoded(picture, "PNG", pnginfo=info), good=True)
    # TIFF bombs on any page, and cut multi-page files.
    add("bomb.tiff", tiff_pages([(20000, 20000)]))
    add("bomb-page2.tiff", tiff_pages([(100, 100), (20000, 20000)]))
    add("bomb-page3.tiff", tiff_pages([(100, 100), (100, 100), (30000, 30000)]))
    add("zero-width.tiff", tiff_pages([(0, 100)]))
    add("tiny-pages.tiff", tiff_pages([(30, 30), (30, 30)]))
    multi = _made(
        folder / "multi-source.tiff", lambda path: make_tiff(path, [_noise((64, 64), s) for s in range(3)])
    )
    add("multi3.tiff", multi, good=True)
    for fraction in (0.3, 0.6, 0.9):
        add(f"multi3-cut{int(fraction * 100)}.tiff", multi[: int(len(multi) * fraction)])

    # Not files (20): pipes, devices, folders, links, empty and misnamed files.
    fifo = add("fifo.png")
    os.mkfifo(fifo)
    for device in ("/dev/zero", "/dev/null", "/dev/urandom"):
        link = add(f"device-{Path(device).name}.png")
        link.symlink_to(device)
    add("jpg-named.png", originals["jpg"], good=True)
    add("missing.png")
    loop = add("loop.png")
    loop.symlink_to(loop)
    dangling = add("dangling.png")
    dangling.symlink_to(folder / "nowhere.png")
    add("empty.png", b"")
    add("empty.pdf", b"")
    add("empty.tiff", b"")
    add("text.png", b"hello, not an image\n")
    add("text.pdf", b"hello, not a pdf\n")
    add("html.jpg", b"<html><body>not an image</body></html>")
    add("zeros.png", bytes(4096))
    add("pdf-header-only.pdf", b"%PDF-1.7\n")
    add("png-signature-only.png", b"\x89PNG\r\n\x1a\n")
    add("tiff-header-only.tiff", b"II*\x00\x08\x00\x00\x00")
    add("png-named.pdf", originals["png"], good=True)
    add("jpg-named.tiff", originals["jpg"], good=True)

    # PDFs (44): good ones, odd page sizes, cut, flipped and broken ones.
    pages = [text_page("Invoice 12", (300, 120)), text_page("Total 40", (300, 120), seed=1)]
    valid = _made(folder / "pdf-source.pdf", lambda path: make_pdf(path, pages))
    add("valid.pdf", valid, good=True)
    add("blank2.pdf", _made(folder / "blank-source.pdf", lambda path: make_blank_pdf(path, 2)), good=True)
    for width, height in (
        (100000, 10),
        (10, 100000),
        (2000, 10.5),
        (14400, 14400),
        (1, 1),
        (0.01, 0.01),
        (595, 1e-3),
    ):
        add(f"page-{width}x{height}.pdf", strip_pdf(width, height))
    for width, height in ((0, 0), (-595, -842), (595, 0)):
        add(f"nopage-{width}x{height}.pdf", strip_pdf(width, height))
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.9, 0.97):
        add(f"cut{int(fraction * 100)}.pdf", valid[: int(len(valid) * fraction)])
    for flip in range(16):
        mutated = bytearray(valid)
        for _ in range(1 + flip % 4):
            position = rng.randrange(len(mutated))
            mutated[position] ^= 1 << rng.randrange(8)
        add(f"flip{flip}.pdf", bytes(mutated))
    add("zero-pages.pdf", tiny_pdf("/Type/Pages/Kids[]/Count 0"))
    add("count-lies.pdf", tiny_pdf("/Type/Pages/Kids[]/Count 99"))
    add("self-parent.pdf", tiny_pdf("/Type/Pages/Kids[2 0 R]/Count 1"))
    add("page-no-parent.pdf", tiny_pdf("/Type/Pages/Kids[3 0 R]/Count 1", "/Type/Page"))
    add("page-is-a-string.pdf", tiny_pdf("/Type/Pages/Kids[(x)]/Count 1"))
    add(
        "rotated.pdf",
        tiny_pdf(
            "/Type/Pages/Kids[3 0 R]/Count 1", "/Type/Page/Parent 2 0 R/Rotate 90/MediaBox[0 0 200 100]"
        ),
    )
    add(
        "rotate-odd.pdf",
        tiny_pdf(
            "/Type/Pages/Kids[3 0 R]/Count 1", "/Type/Page/Parent 2 0 R/Rotate 45/MediaBox[0 0 200 100]"
        ),
    )
    add(
        "mediabox-nan.pdf",
        tiny_pdf("/Type/Pages/Kids[3 0 R]/Count 1", "/Type/Page/Parent 2 0 R/MediaBox[0 0 x y]"),
    )
    add("marker-late.pdf", bytes(2000) + valid)
    add("marker-early.dat.pdf", b"junk" + valid, good=True)
    add(
        "encrypted-no-password.pdf",
        _made(folder / "locked-source.pdf", lambda path: encrypted_pdf(path, "pw")),
    )
    add("pdf-named.png", valid, good=True)
    add("pdf-with-png-tail.pdf", valid + originals["png"], good=True)
    add("stream-garbage.pdf", valid.replace(b"stream", b"strea\xff", 1))
    add("xref-garbage.pdf", valid.replace(b"xref", b"xr\x00f", 1), good=True)
    return cases


def _made(path: Path, make: Callable[[Path], object]) -> bytes:
    """The bytes a file-writing helper makes (the file itself is not left in the corpus)."""
    make(path)
    data = path.read_bytes()
    path.unlink()
    return data
