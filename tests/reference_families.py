"""Each family's model-card transformers code, written out as the card writes it, to compare against.

Two card flows exist: Qwen2-VL's and Qwen2.5-VL's (qwen-vl-utils' process_vision_info resizes,
then the processor tokenizes; tests/reference.py) and everyone else's (the PIL image in the
messages, processor.apply_chat_template(tokenize=True, return_dict=True)). The app's pixel
budget is set on the card's processor, as a user would pass min/max pixels to it; generation
is the cards' generate(max_new_tokens=…) with do_sample=False.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from qwen_vl_utils import process_vision_info
from transformers import AutoModelForImageTextToText, AutoProcessor

from desktop_ocr.engine.families import QWEN_VL_UTILS, ModelProfile
from desktop_ocr.engine.family_images import budget_size
from desktop_ocr.engine.options import PixelBudget
from tests.reference import image_entry


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[Any, Any]:
    model = AutoModelForImageTextToText.from_pretrained(path, dtype=torch.float32)
    processor = AutoProcessor.from_pretrained(path)
    return model, processor


# PaddleOCR-VL-1.5's card, for text spotting only: "spotting_upscale_threshold = 1500", a picture
# under it both ways resized to twice its size with LANCZOS, and "max_pixels = 2048 * 28 * 28 if
# task == 'spotting' else 1280 * 28 * 28" (1280 tokens being the app's default cap too).
SPOTTING_CARDS = {"paddleocr-vl-1.5"}


def card_budget(profile: ModelProfile, budget: PixelBudget, prompt: str | None) -> PixelBudget:
    if profile.key in SPOTTING_CARDS and prompt == "Spotting:":
        return replace(budget, max_pixels=budget.max_pixels * 2048 // 1280)
    return budget


def card_messages(profile: ModelProfile, image: Any, budget: PixelBudget, prompt: str | None) -> list[dict]:
    """One user turn as the card writes it: the image, then the task prompt (if the card has one)."""
    if profile.key in SPOTTING_CARDS and prompt == "Spotting:" and image.width < 1500 and image.height < 1500:
        image = image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS)
    if profile.image_flow == QWEN_VL_UTILS:
        picture: dict[str, Any] = image_entry(image, budget)
    else:
        picture = {"type": "image", "image": image}
    content: list[dict[str, Any]] = [picture]
    if prompt is not None:
        content.append({"type": "text", "text": prompt})
    return [{"role": "user", "content": content}]


def _inputs(profile: ModelProfile, path: Path, messages: list[dict], budget: PixelBudget) -> tuple[Any, Any]:
    model, processor = _load(str(path))
    if profile.image_flow == QWEN_VL_UTILS:
        text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        image_inputs, video_inputs = process_vision_info(messages)
        inputs = processor(
            text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt"
        )
    else:
        processor.image_processor.size = budget_size(processor, budget)
        inputs = processor.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt"
        )
        inputs.pop("token_type_ids", None)  # GLM-OCR's card; the others' processors make none
    return model, inputs


def card_generate(
    profile: ModelProfile, path: Path, messages: list[dict], budget: PixelBudget, max_new_tokens: int
) -> tuple[str, list[int], torch.Tensor]:
    """The card's answer (new tokens, special tokens skipped), its ids, and each step's softmax."""
    model, inputs = _inputs(profile, path, messages, budget)
    _model, processor = _load(str(path))
    output = model.generate(
        **inputs,
        max_new_tokens=max_new_tokens,
        do_sample=False,
        output_logits=True,
        return_dict_in_generate=True,
    )
    new_ids = output.sequences[0, inputs["input_ids"].shape[1] :]
    text = processor.decode(new_ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    probabilities = torch.softmax(torch.stack(output.logits)[:, 0, :].float(), dim=-1)
    return text, new_ids.tolist(), probabilities
