"""Codes read from screenshot-like pictures: each format, where it is, and none on plain text."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from desktop_ocr._dev.code_images import code_picture, text_screen, with_code
from desktop_ocr.codes import FORMAT_NAMES, Code, codes_from_json, codes_json, link_of, read_codes

AT = (400, 300)


@pytest.fixture(scope="module")
def screen() -> Image.Image:
    return text_screen((1280, 800), seed=3)


@pytest.mark.parametrize(
    ("format_name", "text", "shown"),
    [
        ("QRCode", "https://example.org/menu?table=7", "QR Code"),
        ("MicroQRCode", "HELLO42", "Micro QR Code"),
        ("DataMatrix", "LOT 2026-12 SN 000451", "Data Matrix"),
        ("Aztec", "Boarding pass K7 seat 14C", "Aztec"),
        ("PDF417", "DRIVER LICENCE 12345", "PDF417"),
        ("EAN13", "4006381333931", "EAN-13"),
        ("Code128", "PKG-000-8841", "Code 128"),
    ],
)
def test_each_format_is_found_on_a_busy_screen(screen, format_name, text, shown) -> None:
    image = with_code(screen, code_picture(text, format_name), AT)
    assert [(code.format, code.text) for code in read_codes(image)] == [(shown, text)]
    assert shown in FORMAT_NAMES


def _dark_box(picture: Image.Image) -> tuple[int, int, int, int]:
    """Left, top, right, bottom (exclusive) of the picture's dark pixels: the symbol itself."""
    dark = np.asarray(picture.convert("L")) < 128
    rows, columns = np.nonzero(dark)
    return int(columns.min()), int(rows.min()), int(columns.max()) + 1, int(rows.max()) + 1


def _near(found: tuple[int, int], expected: tuple[int, int], slack: int = 2) -> bool:
    return abs(found[0] - expected[0]) <= slack and abs(found[1] - expected[1]) <= slack


def test_the_position_is_the_four_corners_in_the_image_pixels(screen) -> None:
    picture = code_picture("corner test", "QRCode", scale=5)
    left, top, right, bottom = _dark_box(picture)
    (code,) = read_codes(with_code(screen, picture, AT))
    x, y = AT
    expected = [(x + left, y + top), (x + right, y + top), (x + right, y + bottom), (x + left, y + bottom)]
    assert all(_near(found, want) for found, want in zip(code.position, expected, strict=True)), (
        code.position,
        expected,
    )


def test_a_turned_code_keeps_its_own_top_left_corner(screen) -> None:
    """Turned a quarter to the left, the code's top-left corner lies at the bottom-left."""
    picture = code_picture("turned", "QRCode", scale=5).rotate(90, expand=True)
    left, top, _right, bottom = _dark_box(picture)
    (code,) = read_codes(with_code(screen, picture, AT))
    x, y = AT
    assert _near(code.position[0], (x + left, y + bottom))
    assert _near(code.position[1], (x + left, y + top))


def test_two_codes_in_one_image_are_both_found(screen) -> None:
    image = with_code(screen, code_picture("https://example.org", "QRCode"), (100, 100))
    image = with_code(image, code_picture("4006381333931", "EAN13", scale=2), (900, 500))
    assert sorted(code.text for code in read_codes(image)) == ["4006381333931", "https://example.org"]


@pytest.mark.parametrize("seed", range(4))
def test_a_screen_of_text_has_no_code(seed) -> None:
    assert read_codes(text_screen(seed=seed)) == []


def test_a_code_drawn_on_a_transparent_background_is_found() -> None:
    """A PNG with see-through background: black where transparent, as many tools save them."""
    picture = code_picture("transparent", "QRCode")
    alpha = Image.eval(picture.convert("L"), lambda value: 255 - value)  # opaque where dark
    image = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    image.putalpha(alpha)
    assert [code.text for code in read_codes(image)] == ["transparent"]


@pytest.mark.parametrize("mode", ["L", "1", "P", "CMYK", "I;16", "LA"])
def test_any_pillow_mode_is_read(screen, mode) -> None:
    image = with_code(screen, code_picture("mode", "QRCode"), AT).convert(mode)
    assert [code.text for code in read_codes(image)] == ["mode"]


def test_tiny_images_have_no_code() -> None:
    assert read_codes(Image.new("RGB", (1, 1))) == []
    assert read_codes(Image.new("RGB", (0, 0))) == []


def test_codes_go_to_json_and_back() -> None:
    code = Code("QR Code", "a", ((1, 2), (3, 2), (3, 4), (1, 4)))
    data = codes_json([code])
    assert data == [{"format": "QR Code", "text": "a", "position": [[1, 2], [3, 2], [3, 4], [1, 4]]}]
    assert codes_from_json(data) == (code,)


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
        ("  http://example.org  ", "http://example.org"),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("www.example.org", None),
        ("https://", None),
        ("https://exa mple.org", None),
        ("https://example.org\nfile:///x", None),
        ("WIFI:S:home;T:WPA;P:secret;;", None),
        ("https://[::1", None),
    ],
)
def test_only_http_links_open(text, link) -> None:
    assert link_of(Code("QR Code", text, ((0, 0), (1, 0), (1, 1), (0, 1)))) == link
