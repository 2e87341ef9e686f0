"""The pixel size to render a page at, so that the rendering already meets the pixel budget.

A page drawn straight at the size qwen-vl-utils' smart_resize would pick is sharp; drawing
it larger and letting the engine shrink it would blur it a second time. The engine's
preparation then leaves the picture as it is (smart_resize of that size is that size).
"""

from __future__ import annotations

import math

from ..engine.images import MAX_ASPECT_RATIO, TILE, resized_size
from ..engine.options import PixelBudget

POINTS_PER_INCH = 72.0


def budget_size(page_size: tuple[float, float], budget: PixelBudget) -> tuple[int, int]:
    """(width, height) in px for a page of this size (any unit): the budget's most pixels.

    A vector page has no pixel size of its own, so it gets the largest picture the budget
    allows (max_pixels), with its aspect ratio, each side a multiple of 28 px.
    """
    width, height = page_size
    if width <= 0 or height <= 0:
        raise ValueError(f"page has no area ({width}×{height})")
    try:
        return _fitted(page_size, budget)
    except (ValueError, ZeroDivisionError):  # smart_resize refuses aspects over 200 (or rounds a side to 0)
        return _strip_size(page_size, budget)


def _fitted(page_size: tuple[float, float], budget: PixelBudget) -> tuple[int, int]:
    width, height = page_size
    # Scale the page past max_pixels: smart_resize then shrinks it to fit, keeping the aspect.
    factor = math.sqrt(budget.max_pixels * 4 / (width * height))
    target = resized_size((max(1, round(width * factor)), max(1, round(height * factor))), budget)
    # smart_resize of its own output is a fixed point unless max and min leave no room
    # (then it rounds up to min_pixels); iterate so the engine never resizes again.
    for _ in range(3):
        again = resized_size(target, budget)
        if again == target:
            break
        target = again
    return target


def _strip_size(page_size: tuple[float, float], budget: PixelBudget) -> tuple[int, int]:
    """A page too thin for smart_resize (a 100000×10 pt strip): sized as the page padded to the
    aspect limit, drawn at its own aspect; the engine pads the picture as it pads any strip."""
    width, height = page_size
    long, short = max(width, height), min(width, height)
    # Padded less and less thin until smart_resize takes it: rounding each side to 28 px, and a
    # small budget (few tiles in a row), can each push a padded page past the limit.
    limit = MAX_ASPECT_RATIO / 2
    while True:
        try:
            padded = _fitted((long, long / limit), budget)
            break
        except (ValueError, ZeroDivisionError):
            if limit < 2:
                raise ValueError(f"cannot fit a {width:g}×{height:g} page into the pixel budget") from None
            limit *= 0.8
    drawn = (padded[0], max(1, round(padded[0] * short / long)))
    return drawn if width >= height else drawn[::-1]


def dpi_size(page_size_points: tuple[float, float], dpi: float) -> tuple[int, int]:
    """(width, height) in px of a page rendered at `dpi` (the engine fits it to the budget later)."""
    width, height = page_size_points
    scale = dpi / POINTS_PER_INCH
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def within_one_tile(size: tuple[int, int], budget: PixelBudget) -> bool:
    """Whether the engine's resize of `size` changes each side by less than one 28-px tile."""
    new = resized_size(size, budget)
    return all(abs(a - b) < TILE for a, b in zip(size, new, strict=True))
