"""How a family's own processor sizes the image: read from the processor, never a constant.

Qwen2-VL's card resizes with qwen-vl-utils first (engine/images.py); every other family's card
hands the picture to its processor, which resizes it itself. The app's pixel budget is given
in visual tokens and translated here into the size settings each processor understands.
"""

from __future__ import annotations

import math
from typing import Any

from .images import MAX_ASPECT_RATIO, pad_to_aspect_limit, to_rgb
from .options import PixelBudget

# Processors that hold their size as an area in pixels (smart_resize's min/max_pixels).
_AREA_KEYS = ("shortest_edge", "longest_edge")
# GLM's processors (GLM-OCR's Glm46V, GLM-4.1V's Glm4v) bound the area of all the temporal
# frames a still picture is repeated into, not of one: their size is that many times the area.
_FRAME_AREA_PROCESSORS = ("Glm46VImageProcessor", "Glm4vImageProcessor")


def _first_int(value: Any) -> int:
    if isinstance(value, dict):
        return int(value.get("height") or next(iter(value.values())))
    if isinstance(value, (list, tuple)):
        return int(value[0])
    return int(value)


def patch_pixels(processor: Any) -> int:
    """The side in pixels of the square one visual token covers (patch × merge)."""
    image_processor = processor.image_processor
    patch = _first_int(getattr(image_processor, "patch_size", None) or processor.patch_size)
    merge = (
        getattr(image_processor, "merge_size", None)
        or getattr(processor, "spatial_merge_size", None)
        or getattr(image_processor, "spatial_merge_size", None)
        or 1
    )
    return patch * int(merge)


def pixels_per_token(processor: Any) -> int:
    """The image area one visual token covers: 28² for Qwen2/2.5-VL, 32² for Qwen3-VL, …"""
    return patch_pixels(processor) ** 2


def frames_in_area(image_processor: Any) -> int:
    """How many frames of the picture the processor's area bounds count (1 but for GLM's)."""
    name = type(image_processor).__name__.removesuffix("Pil")
    return int(image_processor.temporal_patch_size) if name in _FRAME_AREA_PROCESSORS else 1


def budget_size(processor: Any, budget: PixelBudget) -> dict[str, int]:
    """The processor's `size` setting that holds an image within the budget's visual tokens."""
    side = patch_pixels(processor)
    current = dict(processor.image_processor.size or {})
    if all(key in current for key in _AREA_KEYS):
        area = side * side * frames_in_area(processor.image_processor)
        return {"shortest_edge": budget.min_tokens * area, "longest_edge": budget.max_tokens * area}
    # Pixtral (LightOnOCR) scales the longest edge down only: a square at the budget's cap.
    return {"longest_edge": side * max(1, math.isqrt(budget.max_tokens))}


def apply_budget(processor: Any, budget: PixelBudget) -> None:
    """Set the budget on the processor; min/max_pixels attributes follow where it has them."""
    image_processor = processor.image_processor
    size = budget_size(processor, budget)
    image_processor.size = size
    if "shortest_edge" in size:
        for name, key in (("min_pixels", "shortest_edge"), ("max_pixels", "longest_edge")):
            if hasattr(image_processor, name):
                setattr(image_processor, name, size[key])


def processor_image(image: Any) -> tuple[Any, bool]:
    """RGB, padded with white only where the processors refuse the aspect ratio (over 200)."""
    rgb = to_rgb(image)
    padded = pad_to_aspect_limit(rgb, MAX_ASPECT_RATIO)
    return padded, padded is not rgb


def image_token_id(processor: Any) -> int:
    token_id = getattr(processor, "image_token_id", None)
    if token_id is None:
        token_id = processor.tokenizer.convert_tokens_to_ids(processor.image_token)
    return int(token_id)


def visual_tokens(processor: Any, input_ids: Any) -> int:
    """How many visual tokens the prompt holds, as the processor expanded them."""
    return int((input_ids[0] == image_token_id(processor)).sum())


def resized_size(processor: Any, inputs: Any) -> tuple[int, int]:
    """(width, height) of the picture the vision encoder saw, from the processor's outputs."""
    if "image_grid_thw" in inputs:
        _t, height, width = (int(v) for v in inputs["image_grid_thw"][0].tolist())
        patch = _first_int(processor.image_processor.patch_size)
        return width * patch, height * patch
    if "image_sizes" in inputs:
        height, width = (int(v) for v in inputs["image_sizes"][0].tolist())
        return width, height
    height, width = inputs["pixel_values"].shape[-2:]
    return int(width), int(height)
