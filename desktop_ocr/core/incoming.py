"""What the user hands the window (paths, drops, the clipboard, snips) as image sources, and
their decoding off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMimeData,
    QObject,
    QRunnable,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import QImage

from ..documents.suffixes import INPUT_SUFFIXES  # what a pasted path or Open… takes (PDFs: documents)
from ..engine.errors import ImageError
from ..engine.images import ImageSource, load_image
from .image_decode import use_big_pillow_blocks, view_image
from .records import SourceKind, thumbnail

IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif", "image/tiff")


@dataclass(frozen=True)
class Incoming:
    """One image to open: a display name, where it came from, and its bytes, path or pixels."""

    name: str
    kind: SourceKind
    source: ImageSource | QImage
    path: str | None = None


def from_paths(paths: Iterable[str | Path], kind: SourceKind = SourceKind.FILE) -> list[Incoming]:
    return [Incoming(Path(p).name, kind, str(p), str(p)) for p in paths]


def from_mime(mime: QMimeData, name: str) -> list[Incoming]:
    """Images from a drop or the clipboard: files, raw image bytes, or file paths as text."""
    paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if not paths and mime.hasText():
        candidates = [path_from_text(line) for line in mime.text().splitlines() if line.strip()]
        paths = [p for p in candidates if p]
    if paths:
        return from_paths(paths)
    for fmt in IMAGE_MIME_TYPES:
        if fmt in mime.formats():
            data = bytes(mime.data(fmt).data())
            if data:
                return [Incoming(name, SourceKind.PASTE, data)]
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return [Incoming(name, SourceKind.PASTE, image)]
    return []


def may_hold_images(mime: QMimeData) -> bool:
    """Whether a drag is worth accepting."""
    return mime.hasUrls() or mime.hasImage() or any(f in mime.formats() for f in IMAGE_MIME_TYPES)


def path_from_text(text: str) -> str | None:
    """A pasted line naming an image or PDF file: a path or a file:// URL."""
    text = text.strip().strip('"')
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    return text if text.lower().endswith(INPUT_SUFFIXES) else None


def qimage_png(image: QImage) -> bytes:
    """A QImage as PNG bytes (lossless), for load_image."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes, Qt wants str
    return bytes(data.data())


@dataclass(frozen=True)
class Decoded:
    """An opened image: what the engine sees, what the view shows, and the list's thumbnail."""

    image: Image.Image
    view: QImage
    thumbnail: QImage


def decode(source: ImageSource | QImage) -> Decoded:
    """Open, orient and convert an image; raises ImageError. Runs on a pool thread."""
    if isinstance(source, QImage):
        source = qimage_png(source)  # through load_image, so every input gets the same checks
    image = load_image(source)
    return Decoded(image, view_image(image), thumbnail(image))


class _Signals(QObject):
    decoded = Signal(int, object)  # ticket, Decoded
    refused = Signal(int, str)  # ticket, one-line message


class _DecodeTask(QRunnable):
    def __init__(self, ticket: int, source: ImageSource | QImage, signals: _Signals) -> None:
        super().__init__()
        self.ticket, self.source, self.signals = ticket, source, signals

    def run(self) -> None:
        try:
            result = decode(self.source)
        except ImageError as error:
            self.signals.refused.emit(self.ticket, str(error))
        except Exception as error:  # noqa: BLE001 - a bad file must never end the app silently
            self.signals.refused.emit(self.ticket, f"cannot open the image ({type(error).__name__}: {error})")
        else:
            self.signals.decoded.emit(self.ticket, result)


class ImageLoader(QObject):
    """Decodes images on one pool thread, in the order given; results arrive on the GUI thread."""

    decoded = Signal(int, object)  # ticket, Decoded
    refused = Signal(int, str)  # ticket, message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one at a time: results come back in order, memory stays bounded
        use_big_pillow_blocks()  # allocating a 9000×9000 image must not hold the GIL for ~100 ms
        self._signals = _Signals()
        self._signals.decoded.connect(self.decoded)
        self._signals.refused.connect(self.refused)

    def open(self, ticket: int, source: ImageSource | QImage) -> None:
        self.pool.start(_DecodeTask(ticket, source, self._signals))

    def wait(self) -> None:
        """Block until every decode has ended (shutting down)."""
        self.pool.waitForDone()
