"""Open PDFs (pypdfium2) and multi-page TIFFs (Pillow) and render their pages one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PIL import Image

from ..engine.errors import Hint, ImageError, one_line
from ..engine.images import DECODE_ERRORS, MAX_SOURCE_PIXELS, DecoderWarning, decoder_warnings, load_image
from ..engine.options import PixelBudget
from .scale import budget_size, dpi_size
from .suffixes import PDF_SUFFIXES

# The signatures of the image formats a folder holds: a file that starts with one is that
# image, whatever else its first kilobyte holds (a PNG text chunk may contain "%PDF-").
IMAGE_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"\x00\x00\x00\x0cjP  ",  # JPEG 2000
    b"\xff\x4f\xff\x51",  # JPEG 2000 codestream
    b"P1",
    b"P2",
    b"P3",
    b"P4",
    b"P5",
    b"P6",
)
# pdfium is not thread-safe: one lock for every call into it, from any thread.
_PDFIUM = threading.Lock()


class DocumentError(ImageError):
    """A document that cannot be opened or a page that cannot be rendered (one line)."""


class PasswordError(DocumentError):
    """The PDF is encrypted and no password, or a wrong one, was given."""

    def __init__(self, path: str | Path, password_given: bool) -> None:
        self.path = str(path)
        self.password_given = password_given
        reason = "wrong password" if password_given else "it is encrypted"
        super().__init__(f"{path}: cannot open the PDF, {reason}", Hint.GIVE_PASSWORD)


@dataclass(frozen=True)
class Page:
    """One rendered page: its 1-based number in the document, and the RGB picture."""

    number: int
    image: Image.Image


class Document:
    """A file of pages; render them lazily with `pages()` and close it when done."""

    path: Path
    page_count: int
    kind: str

    def render(self, number: int, budget: PixelBudget, dpi: float | None = None) -> Image.Image:
        raise NotImplementedError

    def pages(
        self,
        numbers: Iterable[int] | None = None,
        budget: PixelBudget | None = None,
        dpi: float | None = None,
    ) -> Iterator[Page]:
        """The pages (all by default), rendered one at a time as the caller asks for them."""
        budget = budget or PixelBudget()
        for number in numbers if numbers is not None else range(1, self.page_count + 1):
            yield Page(number, self.render(number, budget, dpi))

    def close(self) -> None:
        pass

    def __enter__(self) -> Document:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class PdfDocument(Document):
    """A PDF, through pdfium; pages are drawn straight at the pixel budget's size."""

    kind = "pdf"

    def __init__(self, path: str | Path, password: str | None = None) -> None:
        import pypdfium2 as pdfium

        self.path = Path(path)
        try:
            with _PDFIUM:
                self._pdf = pdfium.PdfDocument(self.path, password=password or None)
                self.page_count = len(self._pdf)
                self._pdf.init_forms()
        except FileNotFoundError:
            raise DocumentError(f"{path}: no such file") from None
        except PermissionError:
            raise DocumentError(f"{path}: permission denied") from None
        except pdfium.PdfiumError as error:
            if "password" in str(error).lower():
                raise PasswordError(path, bool(password)) from None
            raise DocumentError(f"{path}: not a readable PDF ({_pdfium_reason(error)})") from None
        if self.page_count < 1:
            self.close()
            raise DocumentError(f"{path}: the PDF has no pages")

    def page_size(self, number: int) -> tuple[float, float]:
        """Width and height in points (1/72 in), as displayed (the page's rotation applied)."""
        with _PDFIUM:
            page = self._pdf[number - 1]
            try:
                return page.get_size()
            finally:
                page.close()

    def render(self, number: int, budget: PixelBudget, dpi: float | None = None) -> Image.Image:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        if not 1 <= number <= self.page_count:
            raise DocumentError(f"{self.path}: no page {number} (it has {self.page_count})")
        try:
            with _PDFIUM:
                page = self._pdf[number - 1]
                try:
                    size = page.get_size()
                    width, height = dpi_size(size, dpi) if dpi else budget_size(size, budget)
                    if width * height > MAX_SOURCE_PIXELS:
                        raise DocumentError(
                            f"{self.path}: page {number} at {dpi} dpi would be {width}×{height} px "
                            f"(over {MAX_SOURCE_PIXELS / 1e6:.0f} MP)",
                            Hint.LOWER_DPI,
                        )
                    # pypdfium2's render() scales both sides alike; drawing into a bitmap of
                    # the exact target size gives the 28-px-rounded aspect in one pass.
                    bitmap = pdfium.PdfBitmap.new_native(
                        width, height, raw.FPDFBitmap_BGR, rev_byteorder=True
                    )
                    try:
                        bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
                        flags = raw.FPDF_ANNOT | raw.FPDF_REVERSE_BYTE_ORDER
                        args = (bitmap, page, 0, 0, width, height, 0, flags)
                        raw.FPDF_RenderPageBitmap(*args)
                        if page.formenv:
                            raw.FPDF_FFLDraw(page.formenv, *args)
                        # A copy that owns its pixels, so pdfium's buffer is freed now.
                        image = bitmap.to_pil().convert("RGB")
                    finally:
                        bitmap.close()
                finally:
                    page.close()
        except pdfium.PdfiumError as error:
            raise DocumentError(f"{self.path}: page {number}: {_pdfium_reason(error)}") from None
        except (ValueError, MemoryError) as error:  # a page size no picture can have
            raise DocumentError(f"{self.path}: page {number}: cannot render ({one_line(error)})") from None
        return image

    def close(self) -> None:
        with _PDFIUM:
            self._pdf.close()


class TiffDocument(Document):
    """A multi-page TIFF: each frame is a page, read when asked for (it is already pixels)."""

    kind = "tiff"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._image = _open_image(self.path)
        try:
            with decoder_warnings():
                self.page_count = getattr(self._image, "n_frames", 1)
        except (*DECODE_ERRORS, DecoderWarning) as error:  # a cut file: the page list is unreadable
            self._image.close()
            raise DocumentError(f"{path}: cannot read its pages ({one_line(error)})") from None

    def render(self, number: int, budget: PixelBudget, dpi: float | None = None) -> Image.Image:
        # Raster pages keep their pixels; the engine fits them to the budget as any image.
        if not 1 <= number <= self.page_count:
            raise DocumentError(f"{self.path}: no page {number} (it has {self.page_count})")
        try:
            with decoder_warnings():
                self._image.seek(number - 1)
                width, height = self._image.size
                if width * height > MAX_SOURCE_PIXELS:  # checked before its pixels are decoded
                    raise DocumentError(
                        f"{self.path}: page {number}: refused, {width}×{height} is "
                        f"{width * height / 1e6:.0f} megapixels (possible decompression bomb)"
                    )
                frame = self._image.copy()
        except (*DECODE_ERRORS, DecoderWarning) as error:
            raise DocumentError(f"{self.path}: page {number}: cannot decode ({one_line(error)})") from None
        return load_image(frame)

    def close(self) -> None:
        self._image.close()


def _open_image(path: Path) -> Image.Image:
    try:
        with decoder_warnings():
            return Image.open(path)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except (*DECODE_ERRORS, DecoderWarning) as error:
        raise DocumentError(f"{path}: cannot read ({one_line(error)})") from None


def _pdfium_reason(error: Exception) -> str:
    text = one_line(error)
    return text[text.find("(PDFium: ") + 9 : -2] if "(PDFium: " in text else text


def document_kind(path: str | Path) -> str | None:
    """'pdf', 'tiff' (more than one page) or None (an image, or not a file we open as a document)."""
    path = Path(path)
    if path.exists() and not path.is_file():
        return None  # a FIFO or a device would block the read; load_image refuses it in one line
    try:
        with path.open("rb") as file:
            head = file.read(1024)
    except OSError:
        return "pdf" if path.suffix.lower() in PDF_SUFFIXES else None
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        # Unreadable page counts (a cut file, a bomb) go to load_image, which says why in one line.
        try:
            with decoder_warnings(), Image.open(path) as image:
                return "tiff" if getattr(image, "n_frames", 1) > 1 else None
        except (*DECODE_ERRORS, DecoderWarning):
            return None
    if head.startswith(IMAGE_SIGNATURES):
        return None
    # PDF readers accept the header anywhere in the first 1 KB.
    if b"%PDF-" in head or path.suffix.lower() in PDF_SUFFIXES:
        return "pdf"
    return None


def open_document(path: str | Path, password: str | None = None) -> Document:
    """A PDF or multi-page TIFF as a Document; DocumentError (one line) when it cannot be opened."""
    kind = document_kind(path)
    if kind == "pdf":
        return PdfDocument(path, password)
    if kind == "tiff":
        return TiffDocument(path)
    raise DocumentError(f"{path}: not a PDF or multi-page TIFF")
