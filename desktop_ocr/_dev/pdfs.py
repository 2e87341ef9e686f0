"""Small PDFs and TIFFs for the tests and the benchmark, made offline.

`make_pdf` draws pictures onto pages with pypdfium2. pdfium cannot write encrypted files,
so `encrypted_pdf` writes one by hand: the standard security handler, revision 2 (RC4,
40-bit key; PDF Reference 1.7, algorithms 3.1 to 3.4), with one page filled red.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageDraw

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def text_page(text: str, size: tuple[int, int] = (600, 300), seed: int = 0) -> Image.Image:
    """A white picture with `text` and a few marks placed by `seed`, so that pages differ."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), text, fill="black")
    for index in range(5):
        x = 40 + (seed * 37 + index * 53) % max(1, size[0] - 80)
        y = 60 + (seed * 29 + index * 41) % max(1, size[1] - 100)
        draw.rectangle((x, y, x + 30, y + 20), fill=((seed * 70) % 256, 40 * index, 120))
    return image


def make_pdf(
    path: str | Path, pictures: Iterable[Image.Image], page_size: tuple[float, float] = (595, 842)
) -> Path:
    """A PDF with one page per picture (A4 by default), each picture across the top of its page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    width, height = page_size
    for picture in pictures:
        page = pdf.new_page(width, height)
        obj = pdfium.PdfImage.new(pdf)
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(picture.convert("RGB")))
        drawn_width = width * 0.8
        drawn_height = drawn_width * picture.height / picture.width
        obj.set_matrix(
            pdfium.PdfMatrix()
            .scale(drawn_width, drawn_height)
            .translate(width * 0.1, height * 0.9 - drawn_height)
        )
        page.insert_obj(obj)
        page.gen_content()
        page.close()
    pdf.save(str(path))
    pdf.close()
    return Path(path)


def make_blank_pdf(path: str | Path, pages: int, page_size: tuple[float, float] = (595, 842)) -> Path:
    """A PDF of `pages` pages, each with a few filled rectangles in its content stream (fast to make)."""
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    kids: list[int] = []
    for number in range(pages):
        content = (
            f"0 0 0 rg 60 {700 - number % 50} 300 20 re f 0.2 0.4 0.8 rg 60 400 {100 + number % 200} 100 re f"
        ).encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R >>"
            % (page_size[0], page_size[1], content_id)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    return _write(path, objects, trailer_extra=b"")


_WORDS = [
    "the",
    "model",
    "reads",
    "each",
    "page",
    "of",
    "a",
    "scanned",
    "paper",
    "with",
    "formulas",
    "tables",
    "and",
    "figures",
]


def make_text_pdf(path: str | Path, pages: int, lines: int = 60) -> Path:
    """A PDF of `pages` A4 pages of vector text (Helvetica, `lines` lines each): a typical paper page."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids: list[int] = []
    for number in range(pages):
        rows = []
        for line in range(lines):
            words = [_WORDS[(number * 7 + line * 3 + k) % len(_WORDS)] for k in range(12)]
            rows.append(f"({' '.join(words)} {number + 1}.{line + 1}) '")
        content = ("BT /F1 10 Tf 12 TL 56 800 Td " + " ".join(rows) + " ET").encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    return _write(path, objects, trailer_extra=b"")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(path: str | Path, password: str) -> Path:
    """A one-page PDF (A4, a red square) that opens only with `password` (RC4, revision 2)."""
    padded = (password.encode("latin-1") + _PAD)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
    permissions = -4
    file_id = hashlib.md5(b"desktop-ocr test").digest()
    key = hashlib.md5(padded + owner + permissions.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    user = _rc4(key, _PAD)

    def encrypt(number: int, data: bytes) -> bytes:
        object_key = hashlib.md5(key + number.to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()
        return _rc4(object_key[: len(key) + 5], data)

    content = encrypt(4, b"1 0 0 rg 100 400 200 200 re f")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner.hex().encode(), user.hex().encode(), permissions),
    ]
    trailer = b" /Encrypt 5 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    return _write(path, objects, trailer)


def _write(path: str | Path, objects: list[bytes], trailer_extra: bytes) -> Path:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    Path(path).write_bytes(bytes(out))
    return Path(path)


def make_tiff(path: str | Path, pictures: list[Image.Image]) -> Path:
    """A multi-page TIFF, one frame per picture."""
    first, *rest = [picture.convert("RGB") for picture in pictures]
    first.save(path, save_all=True, append_images=rest, compression="tiff_deflate")
    return Path(path)
