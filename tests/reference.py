"""The model card's inference flow, written out as the card writes it, to compare against."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from qwen_vl_utils import process_vision_info
from transformers import AutoProcessor, Qwen2VLForConditionalGeneration


def image_entry(image: Any, budget: Any) -> dict[str, Any]:
    """The image as the card's messages carry it, with the engine's pixel budget."""
    return {
        "type": "image",
        "image": image,
        "min_pixels": budget.min_pixels,
        "max_pixels": budget.max_pixels,
    }


def reference_messages(image: Any, budget: Any, turns: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Card-style messages: the image in the first user turn, earlier answers as assistant turns."""
    messages: list[dict[str, Any]] = []
    for index, (question, answer) in enumerate(turns):
        content: list[dict[str, Any]] = [{"type": "text", "text": question}]
        if index == 0:
            content.insert(0, image_entry(image, budget))
        messages.append({"role": "user", "content": content})
        if answer is not None:
            messages.append({"role": "assistant", "content": [{"type": "text", "text": answer}]})
    return messages


@lru_cache(maxsize=4)
def _load(path: str, dtype: torch.dtype = torch.float32) -> tuple[Any, Any]:
    model = Qwen2VLForConditionalGeneration.from_pretrained(path, dtype=dtype)
    processor = AutoProcessor.from_pretrained(path)
    return model, processor


def reference_generate(
    path: Path, messages: list[dict[str, Any]], max_new_tokens: int, dtype: torch.dtype = torch.float32
) -> tuple[str, list[int]]:
    """Text and new token ids, exactly as Qwen2-VL's model card computes them (float32 unless asked)."""
    model, processor = _load(str(path), dtype)
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(
        text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt"
    )
    generated_ids = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
    trimmed = [out[len(inp) :] for inp, out in zip(inputs.input_ids, generated_ids, strict=True)]
    answer = processor.batch_decode(trimmed, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    return answer[0], trimmed[0].tolist()


def reference_probabilities(
    path: Path, messages: list[dict[str, Any]], max_new_tokens: int
) -> tuple[list[int], torch.Tensor]:
    """New token ids and the softmax of the raw logits at each step, via the card's flow."""
    model, processor = _load(str(path))
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(
        text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt"
    )
    output = model.generate(
        **inputs,
        max_new_tokens=max_new_tokens,
        do_sample=False,
        output_logits=True,
        return_dict_in_generate=True,
    )
    ids = output.sequences[0, inputs.input_ids.shape[1] :].tolist()
    probabilities = torch.softmax(torch.stack(output.logits)[:, 0, :].float(), dim=-1)
    return ids, probabilities
