"""Turn any image input into the RGB picture the model sees, resized as qwen-vl-utils does."""

from __future__ import annotations

import contextlib
import io
import math
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Hint, ImageError
from .options import PIXELS_PER_TOKEN, PixelBudget

ImageSource = str | Path | bytes | Image.Image

# Pillow's own hard limit (2 × MAX_IMAGE_PIXELS): beyond it a file is treated as a
# decompression bomb. A 300 dpi A0 poster (9933 × 14043) still fits.
MAX_SOURCE_PIXELS = 178_956_970
# qwen-vl-utils and the HF processor both refuse aspect ratios over 200.
MAX_ASPECT_RATIO = 200
TILE = 28
# What decoding a damaged or hostile file raises in Pillow and its plugins (a zTXt chunk past
# MAX_TEXT_CHUNK is a ValueError, a TIFF without dimensions a TypeError, a cut file an
# EOFError or struct.error): each becomes one line about that file, never a traceback.
DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    struct.error,
    MemoryError,
    Image.DecompressionBombError,
)


@contextlib.contextmanager
def decoder_warnings() -> Iterator[None]:
    """Decoder warnings (a truncated read, corrupt data, a NaN cast) raise DecoderWarning at the
    end of the block instead of reaching stderr; the caller reports them as the file's line.

    Recorded, not turned into errors: the filters are process-wide, and an error filter would
    also raise in whatever another thread (the GUI) is doing meanwhile. Pillow's size warning is
    left out: the pixel limit is checked on its own (MAX_SOURCE_PIXELS).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        if not issubclass(warning.category, IGNORED_WARNINGS):
            raise DecoderWarning(str(warning.message))


class DecoderWarning(Exception):
    """A warning a decoder gave about the data: the file is damaged."""


IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class PreparedImage:
    """The picture handed to the processor, and how it was obtained."""

    image: Image.Image
    original_size: tuple[int, int]
    resized_size: tuple[int, int]
    padded: bool

    @property
    def visual_tokens(self) -> int:
        width, height = self.resized_size
        return (width // TILE) * (height // TILE)


def load_image(source: ImageSource) -> Image.Image:
    """Open a path, bytes or PIL image and return it upright, flattened and in RGB."""
    image = _open(source)
    try:
        with decoder_warnings():
            image.seek(0)  # animated formats: the first frame
            image = _upright(image, source)
            rgb = to_rgb(image)
            if image is not source:
                _release_file(image, rgb)
        return rgb
    except (*DECODE_ERRORS, DecoderWarning) as error:
        if image is not source:
            image.close()  # the file it holds open
        raise ImageError(f"{_describe(source)}: cannot decode the image ({_reason(error)})") from None


def _release_file(image: Image.Image, rgb: Image.Image) -> None:
    """Close the file a loaded image may still hold (GIF, TIFF and animations keep it for seeking)."""
    if rgb is not image:
        image.close()
        return
    for name in ("fp", "_fp"):
        handle = getattr(image, name, None)
        if handle is not None and callable(getattr(handle, "close", None)):
            handle.close()


def _upright(image: Image.Image, source: ImageSource) -> Image.Image:
    """Turned as its EXIF orientation says; unreadable EXIF leaves it as stored (pixels are fine)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data": the picture itself is intact
            if image is source:
                return ImageOps.exif_transpose(image) or image  # a copy: the caller's stays as it was
            # In place: no full-size copy. For a 9000×9000 scan the copy costs 324 MB, and freeing
            # the original holds the GIL ~50 ms (which stalls a GUI decoding on a pool thread).
            ImageOps.exif_transpose(image, in_place=True)
            return image
    except DECODE_ERRORS:
        return image


def _reason(error: BaseException) -> str:
    """One line saying why a decode failed."""
    if isinstance(error, MemoryError):
        return "out of memory"
    text = " ".join(str(error).split())[:200]
    return text or type(error).__name__


def _describe(source: ImageSource) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    if isinstance(source, bytes):
        return f"image data ({len(source)} bytes)"
    return "image"


def _open(source: ImageSource) -> Image.Image:
    if isinstance(source, Image.Image):
        _check_pixels(source.size, _describe(source))
        return source
    name = _describe(source)
    try:
        with decoder_warnings():
            if isinstance(source, bytes):
                if not source:
                    raise ImageError(f"{name}: empty input, not an image")
                image = Image.open(io.BytesIO(source))
            else:
                path = Path(source)
                if path.is_dir():
                    raise ImageError(f"{path}: is a folder, not an image")
                if path.exists() and not path.is_file():
                    # A FIFO or a device would block open() or read forever.
                    raise ImageError(f"{path}: not a regular file (a pipe or a device), not an image")
                image = Image.open(path)
    except FileNotFoundError:
        raise ImageError(f"{name}: no such file") from None
    except PermissionError:
        raise ImageError(f"{name}: permission denied") from None
    except UnidentifiedImageError:
        raise ImageError(f"{name}: not an image, or an image format that cannot be read") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{name}: refused, too many pixels (possible decompression bomb)") from None
    except OSError as error:
        raise ImageError(f"{name}: cannot read ({error.strerror or _reason(error)})") from None
    except (*DECODE_ERRORS, DecoderWarning) as error:
        raise ImageError(f"{name}: cannot read the image ({_reason(error)})") from None
    _check_pixels(image.size, name)
    return image


def _check_pixels(size: tuple[int, int], name: str) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise ImageError(f"{name}: the image is empty ({width}×{height})")
    if width * height > MAX_SOURCE_PIXELS:
        raise ImageError(
            f"{name}: refused, {width}×{height} is {width * height / 1e6:.0f} megapixels; "
            f"images over {MAX_SOURCE_PIXELS / 1e6:.0f} MP may be decompression bombs"
        )


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode to RGB; transparency is composited on white, deep images scaled to 8 bit."""
    image.load()
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return _scale_to_8bit(image).convert("RGB")
    if (mode == "P" and "transparency" in image.info) or mode in ("LA", "La", "PA", "RGBa"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _scale_to_8bit(image: Image.Image) -> Image.Image:
    """Stretch a 16-bit or float greyscale image onto 0..255 (convert() would clip it)."""
    values = np.asarray(image, dtype=np.float64)
    finite = np.isfinite(values)
    # NaN and ±inf (float TIFFs) have no grey level: they are drawn black.
    values = np.where(finite, values, np.nan)
    low, high = (float(np.nanmin(values)), float(np.nanmax(values))) if finite.any() else (0.0, 0.0)
    values = np.nan_to_num(values, nan=low)
    if high <= low:
        scaled = np.zeros(values.shape, dtype=np.uint8)
    else:
        scaled = ((values - low) * (255.0 / (high - low))).round().astype(np.uint8)
    return Image.fromarray(scaled)


def pad_to_aspect_limit(image: Image.Image, limit: float = MAX_ASPECT_RATIO) -> Image.Image:
    """Pad the short side with white so that the aspect ratio is at most `limit`."""
    width, height = image.size
    if max(width, height) / min(width, height) <= limit:
        return image
    new_width = max(width, math.ceil(height / limit))
    new_height = max(height, math.ceil(width / limit))
    canvas = Image.new("RGB", (new_width, new_height), (255, 255, 255))
    canvas.paste(image, ((new_width - width) // 2, (new_height - height) // 2))
    return canvas


def resized_size(size: tuple[int, int], budget: PixelBudget) -> tuple[int, int]:
    """(width, height) after qwen-vl-utils' smart_resize with this budget."""
    from qwen_vl_utils import smart_resize

    width, height = size
    new_height, new_width = smart_resize(
        height, width, factor=TILE, min_pixels=budget.min_pixels, max_pixels=budget.max_pixels
    )
    return new_width, new_height


def _processor_accepts(size: tuple[int, int]) -> bool:
    width, height = size
    return min(width, height) >= TILE and max(width, height) / min(width, height) <= MAX_ASPECT_RATIO


def prepare_image(image: Image.Image, budget: PixelBudget) -> PreparedImage:
    """Resize exactly as qwen-vl-utils does; pad first only where it would refuse the image.

    Extreme strips (aspect over 200) are padded with white, as little as needed for both
    qwen-vl-utils and the HF processor to accept the resized picture.
    """
    from qwen_vl_utils import fetch_image

    rgb = to_rgb(image)
    original = rgb.size
    candidate, padded = rgb, False
    limit = float(MAX_ASPECT_RATIO)
    while True:
        try:
            target = resized_size(candidate.size, budget)
        except ValueError:
            target = None
        if target is not None and _processor_accepts(target):
            break
        if limit < 2:
            raise ImageError(
                f"cannot fit a {original[0]}×{original[1]} image into max_pixels={budget.max_pixels}",
                Hint.RAISE_PIXEL_BUDGET,
            )
        limit = limit * 0.8 if padded else limit
        candidate, padded = pad_to_aspect_limit(rgb, limit), True
    resized = fetch_image(
        {"image": candidate, "min_pixels": budget.min_pixels, "max_pixels": budget.max_pixels}
    )
    return PreparedImage(image=resized, original_size=original, resized_size=resized.size, padded=padded)


def visual_tokens_for(size: tuple[int, int], budget: PixelBudget) -> int:
    """How many visual tokens an image of this size costs under a budget."""
    width, height = resized_size(size, budget)
    return width * height // PIXELS_PER_TOKEN
