"""Turn any image input into the RGB picture the model sees, resized as qwen-vl-utils does."""

from __future__ import annotations

import io
import math
import warnings
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
        image.seek(0)  # animated formats: the first frame
        if image is source:
            image = ImageOps.exif_transpose(image) or image  # a copy: the caller's image stays as it was
        else:
            # In place: no full-size copy. For a 9000×9000 scan the copy costs 324 MB, and freeing
            # the original holds the GIL ~50 ms (which stalls a GUI decoding on a pool thread).
            ImageOps.exif_transpose(image, in_place=True)
        return to_rgb(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise ImageError(f"{_describe(source)}: cannot decode the image ({error})") from None


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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
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
        raise ImageError(f"{name}: not an image, or a format Pillow cannot read") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{name}: refused, too many pixels (possible decompression bomb)") from None
    except OSError as error:
        raise ImageError(f"{name}: cannot read ({error.strerror or error})") from None
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
    low, high = float(values.min()), float(values.max())
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
