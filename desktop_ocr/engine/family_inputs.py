"""The model inputs for one conversation turn, built as the family's model card builds them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .conversation import Conversation
from .errors import EngineError, ImageError, one_line
from .families import QWEN_VL_UTILS, ModelProfile
from .family_images import apply_budget, processor_image, resized_size, visual_tokens
from .images import prepare_image
from .options import PixelBudget


@dataclass
class TurnInputs:
    """The processor's tensors and what the image became."""

    inputs: Any
    original_size: tuple[int, int]
    resized_size: tuple[int, int]
    visual_tokens: int
    prompt_tokens: int


def family_messages(
    conversation: Conversation, profile: ModelProfile, image_part: dict[str, Any]
) -> list[dict[str, Any]]:
    """Chat messages with each question as the family asks it (None: the image alone)."""
    messages: list[dict[str, Any]] = []
    for index, turn in enumerate(conversation.turns):
        question = profile.question_for(turn.question, index)
        content: list[dict[str, Any]] = [] if question is None else [{"type": "text", "text": question}]
        if index == 0:
            content.insert(0, image_part)
        messages.append({"role": "user", "content": content})
        if turn.answer is not None:
            messages.append({"role": "assistant", "content": [{"type": "text", "text": turn.answer}]})
    return messages


def build_inputs(
    profile: ModelProfile, processor: Any, conversation: Conversation, budget: PixelBudget
) -> TurnInputs:
    if profile.image_flow == QWEN_VL_UTILS:
        return _qwen_vl_utils_inputs(profile, processor, conversation, budget)
    return _processor_inputs(profile, processor, conversation, budget)


def _qwen_vl_utils_inputs(
    profile: ModelProfile, processor: Any, conversation: Conversation, budget: PixelBudget
) -> TurnInputs:
    """Qwen2-VL's card: qwen-vl-utils resizes, the processor (never resizing again) tokenizes."""
    prepared = prepare_image(conversation.image, budget)
    messages = family_messages(conversation, profile, {"type": "image", "image": prepared.image})
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    inputs = processor(text=[text], images=[prepared.image], padding=True, return_tensors="pt")
    return TurnInputs(
        inputs=inputs,
        original_size=prepared.original_size,
        resized_size=prepared.resized_size,
        visual_tokens=visual_tokens(processor, inputs["input_ids"]),
        prompt_tokens=int(inputs["input_ids"].shape[1]),
    )


def _processor_inputs(
    profile: ModelProfile, processor: Any, conversation: Conversation, budget: PixelBudget
) -> TurnInputs:
    """Every other card: the image in the messages, apply_chat_template tokenizes and resizes."""
    image, _padded = processor_image(conversation.image)
    own = profile.prompt_image(conversation.turns[0].question)
    if own is not None:  # this prompt's card flow prepares the picture its own way
        image, budget = own.prepare(image), own.budget(budget)
    apply_budget(processor, budget)
    messages = family_messages(conversation, profile, {"type": "image", "image": image})
    try:
        inputs = processor.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt"
        )
    except EngineError:
        raise
    except ValueError as error:
        # The processors refuse pictures smaller than one visual token, with a traceback.
        width, height = conversation.image.size
        raise ImageError(f"{profile.name} cannot read a {width}×{height} image: {one_line(error)}") from None
    for name in profile.drop_inputs:
        inputs.pop(name, None)
    return TurnInputs(
        inputs=inputs,
        original_size=conversation.image.size,
        resized_size=resized_size(processor, inputs),
        visual_tokens=visual_tokens(processor, inputs["input_ids"]),
        prompt_tokens=int(inputs["input_ids"].shape[1]),
    )
