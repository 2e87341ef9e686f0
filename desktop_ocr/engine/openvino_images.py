"""The picture OpenVINO GenAI gets: already at the size, and with the pixels, of the family's
transformers flow, so that GenAI's own resize leaves it as it is.

GenAI resizes every image to its smart_resize size within the IR folder's bounds, with its
own bicubic code. A picture whose sides are already multiples of the family's patch × merge
and whose area lies within those bounds keeps its size, so its pixels are the ones handed in:
Qwen2-VL's and Qwen2.5-VL's cards resize with qwen-vl-utils (PIL), every other card's
processor with its own resize (torchvision for Qwen3-VL), and the app does the same here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from .errors import ImageError, one_line
from .family_images import apply_budget, patch_pixels, processor_image
from .images import prepare_image
from .options import MAX_BUDGET_TOKENS, MIN_BUDGET_TOKENS, PixelBudget


@dataclass(frozen=True)
class OpenVINOImage:
    """RGB pixels (height × width × 3, uint8) at the size the model sees, and how they were made."""

    pixels: Any
    original_size: tuple[int, int]
    resized_size: tuple[int, int]
    visual_tokens: int


def qwen_vl_utils_image(image: Image.Image, budget: PixelBudget) -> OpenVINOImage:
    """Qwen2-VL's and Qwen2.5-VL's cards: qwen-vl-utils resizes (engine/images.py)."""
    import numpy as np

    prepared = prepare_image(image, budget)
    return OpenVINOImage(
        pixels=np.asarray(prepared.image.convert("RGB")),
        original_size=prepared.original_size,
        resized_size=prepared.resized_size,
        visual_tokens=prepared.visual_tokens,
    )


def processor_resized_image(
    processor: Any, image: Image.Image, budget: PixelBudget, family: str
) -> OpenVINOImage:
    """The card's processor resizes: its own resize on the picture as the processor reads it
    (RGB, channels first, uint8), under the app's budget, as engine/family_inputs.py runs it."""
    import numpy as np
    import torch
    from transformers.image_processing_utils import SizeDict

    rgb, _padded = processor_image(image)
    apply_budget(processor, budget)
    image_processor = processor.image_processor
    side = patch_pixels(processor)
    channels_first = torch.from_numpy(np.array(rgb)).permute(2, 0, 1)[None]
    try:
        resized = image_processor.resize(
            channels_first,
            size=SizeDict(**image_processor.size),
            resample=image_processor.resample,
            factor=side,
        )
    except ValueError as error:
        # As the processor itself: pictures smaller than one visual token are refused.
        width, height = image.size
        raise ImageError(f"{family} cannot read a {width}×{height} image: {one_line(error)}") from None
    height, width = (int(v) for v in resized.shape[-2:])
    return OpenVINOImage(
        pixels=np.ascontiguousarray(resized[0].permute(1, 2, 0).numpy()),
        original_size=image.size,
        resized_size=(width, height),
        visual_tokens=(width // side) * (height // side),
    )


def open_image_bounds(folder: Path, side: int) -> None:
    """Widen the IR folder's resize bounds to the app's whole budget range, so GenAI never
    resizes the picture the app made (Qwen3-VL's folder asks for at least 64 visual tokens,
    the app's budget allows down to MIN_BUDGET_TOKENS). Written once; the folder is the app's.

    GenAI 2026.4 reads processor_config.json's image_processor where the folder has one (the
    export writes both files), else preprocessor_config.json: both get the bounds.
    """
    bounds = {"min_pixels": MIN_BUDGET_TOKENS * side * side, "max_pixels": MAX_BUDGET_TOKENS * side * side}
    for name, section in (("preprocessor_config.json", None), ("processor_config.json", "image_processor")):
        path = folder / name
        if not path.exists():
            continue
        config = json.loads(path.read_text(encoding="utf-8"))
        settings = config if section is None else config.get(section)
        if not isinstance(settings, dict) or all(settings.get(key) == value for key, value in bounds.items()):
            continue
        settings.update(bounds)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(config, indent=2), encoding="utf-8")
        partial.replace(path)
