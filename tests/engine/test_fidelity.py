"""The engine's answers are token-identical to the model card's reference flow."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import Conversation, PixelBudget, prompt_for
from tests.conftest import noise_image
from tests.reference import reference_generate, reference_messages

MAX_NEW = 24

SIZES = {
    "tiny": (12, 9),
    "one-line strip": (600, 40),
    "square": (448, 448),
    "large page": (1240, 1754),
}


def reference_for(path, image, questions_and_answers, budget):
    return reference_generate(path, reference_messages(image, budget, questions_and_answers), MAX_NEW)


@pytest.mark.parametrize("name", list(SIZES))
def test_engine_matches_reference_flow(backend, tiny_model, name):
    width, height = SIZES[name]
    image = noise_image(width, height, seed=hash(name) % 1000)
    budget = backend.options.budget
    conversation = Conversation.start(image, prompt_for("text"))

    answer = backend.generate(conversation, max_new_tokens=MAX_NEW)
    expected, expected_ids = reference_for(tiny_model, image, [(prompt_for("text"), None)], budget)

    assert answer.text == expected
    assert answer.stats.new_tokens == len(expected_ids)


@pytest.mark.parametrize("budget", [PixelBudget(256 * 784, 512 * 784), PixelBudget(3136, 3136 * 2)])
def test_explicit_budget_resizes_as_qwen_vl_utils(backend, tiny_model, budget):
    image = noise_image(900, 300, seed=7)
    answer = backend.generate(
        Conversation.start(image, prompt_for("latex")), budget=budget, max_new_tokens=MAX_NEW
    )
    expected, _ = reference_for(tiny_model, image, [(prompt_for("latex"), None)], budget)
    assert answer.text == expected
    from qwen_vl_utils import fetch_image

    resized = fetch_image({"image": image, "min_pixels": budget.min_pixels, "max_pixels": budget.max_pixels})
    assert answer.stats.resized_size == resized.size
    assert answer.stats.visual_tokens == resized.size[0] * resized.size[1] // 784


def test_follow_up_turn_matches_reference(backend, tiny_model):
    image = noise_image(448, 224, seed=3)
    conversation = Conversation.start(image, prompt_for("markdown"))
    first = backend.generate(conversation, max_new_tokens=MAX_NEW)
    conversation.ask("What is the second line?")
    second = backend.generate(conversation, max_new_tokens=MAX_NEW)

    expected, _ = reference_for(
        tiny_model,
        image,
        [(prompt_for("markdown"), first.text), ("What is the second line?", None)],
        backend.options.budget,
    )
    assert second.text == expected
    assert [turn.answer for turn in conversation.turns] == [first.text, second.text]
    assert second.stats.prompt_tokens > first.stats.prompt_tokens + first.stats.new_tokens - 1


def test_different_images_give_different_answers(backend):
    """Guards every comparison above against passing vacuously on a degenerate model."""
    answers = {
        backend.generate(
            Conversation.start(noise_image(300, 100, seed), prompt_for("text")), max_new_tokens=12
        ).text
        for seed in range(4)
    }
    assert len(answers) == 4
