"""Image loading, mode conversion, guards and the pixel budget."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from desktop_ocr.engine import ImageError, PixelBudget, load_image, prepare_image
from desktop_ocr.engine.images import MAX_SOURCE_PIXELS, visual_tokens_for
from tests.conftest import noise_image


def encode(image: Image.Image, fmt: str = "PNG", **save_args) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_args)
    return buffer.getvalue()


def test_rgba_is_composited_on_white():
    image = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
    image.putpixel((0, 0), (255, 0, 0, 255))
    rgb = load_image(encode(image))
    assert rgb.mode == "RGB"
    assert rgb.getpixel((0, 0)) == (255, 0, 0)
    assert rgb.getpixel((3, 3)) == (255, 255, 255)


def test_la_and_palette_with_transparency_are_flattened_on_white():
    la = Image.new("LA", (2, 2), (0, 0))
    assert load_image(encode(la)).getpixel((0, 0)) == (255, 255, 255)
    palette = Image.new("P", (2, 2), 0)
    palette.putpalette([0, 0, 0, 10, 20, 30])
    palette.info["transparency"] = 0
    assert load_image(encode(palette, transparency=0)).getpixel((1, 1)) == (255, 255, 255)


def test_cmyk_bilevel_and_greyscale_become_rgb():
    assert load_image(encode(Image.new("CMYK", (3, 3), (0, 0, 0, 255)), "JPEG")).mode == "RGB"
    one = load_image(encode(Image.new("1", (3, 3), 1)))
    assert one.getpixel((0, 0)) == (255, 255, 255)
    assert load_image(encode(Image.new("L", (3, 3), 7))).getpixel((1, 1)) == (7, 7, 7)


def test_16_bit_greyscale_is_scaled_not_clipped():
    values = np.array([[0, 1000], [30000, 65535]], dtype=np.uint16)
    image = Image.fromarray(values)
    assert image.mode.startswith("I;16")
    rgb = load_image(encode(image))
    assert rgb.getpixel((0, 0)) == (0, 0, 0)
    assert rgb.getpixel((1, 1)) == (255, 255, 255)
    assert 100 < rgb.getpixel((0, 1))[0] < 130  # 30000 / 65535 of the way


def test_exif_orientation_is_applied():
    image = noise_image(40, 20)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    upright = load_image(encode(image, "JPEG", exif=exif.tobytes()))
    assert upright.size == (20, 40)


def test_a_callers_image_is_left_as_it_was_and_a_file_is_turned_in_place(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "turned.jpg"
    noise_image(40, 20).save(path, exif=exif.tobytes())
    mine = Image.open(path)
    upright = load_image(mine)
    assert upright is not mine and mine.size == (40, 20) and upright.size == (20, 40)
    assert load_image(path).size == (20, 40)  # opened here: turned without a full-size copy
    plain = noise_image(30, 10)
    assert load_image(plain) is not plain  # a copy even when nothing turns


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (8, 8), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    first = load_image(buffer.getvalue())
    assert first.getpixel((4, 4))[0] > 200 and first.getpixel((4, 4))[2] < 50


def test_decompression_bomb_is_refused(tmp_path):
    side = int(MAX_SOURCE_PIXELS**0.5) + 10
    path = tmp_path / "bomb.png"
    Image.new("1", (side, side), 0).save(path)
    with pytest.raises(ImageError, match="decompression bomb"):
        load_image(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"plain text, not an image", "not an image"),
        (b"", "empty"),
    ],
)
def test_bytes_that_are_not_images(content, message):
    with pytest.raises(ImageError, match=message) as raised:
        load_image(content)
    assert "Pillow" not in str(raised.value)  # a library the user never chose means nothing to them


def test_truncated_file_is_an_image_error(tmp_path):
    data = encode(noise_image(200, 200), "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match=r"cut\.png"):
        load_image(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)


def test_errors_are_one_line(tmp_path):
    path = tmp_path / "x.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 broken jpeg")
    with pytest.raises(ImageError) as caught:
        load_image(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "size", [(1, 1), (5, 3), (27, 27), (3, 40), (2000, 5), (5, 3000), (10000, 28), (28, 6000)]
)
def test_tiny_and_extreme_images_reach_the_processor_in_a_form_it_accepts(backend, size):
    prepared = prepare_image(noise_image(*size), PixelBudget())
    width, height = prepared.resized_size
    assert width % 28 == 0 and height % 28 == 0
    assert min(width, height) >= 28 and max(width, height) / min(width, height) <= 200
    assert prepared.padded == (max(size) / min(size) > 200)
    inputs = backend.processor(text=["<|image_pad|>"], images=[prepared.image], return_tensors="pt")
    _t, h, w = inputs["image_grid_thw"][0].tolist()
    assert (w * 14, h * 14) == prepared.resized_size  # the processor did not resize again


def test_default_budget_upscales_small_snips_and_caps_screens():
    budget = PixelBudget()
    assert visual_tokens_for((300, 60), budget) >= 128  # a word is upscaled to be legible
    assert visual_tokens_for((1920, 1080), budget) <= 1280
    assert visual_tokens_for((1240, 1754), budget) <= 1280


def test_budget_bounds_are_checked():
    with pytest.raises(ValueError, match="min_pixels"):
        PixelBudget(min_pixels=100)
    with pytest.raises(ValueError, match="max_pixels"):
        PixelBudget(max_pixels=10**9)
    with pytest.raises(ValueError, match="smaller"):
        PixelBudget(min_pixels=200_000, max_pixels=100_000)
