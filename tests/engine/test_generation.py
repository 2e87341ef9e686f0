"""Streaming, cancel, stats, the repetition guard and both checkpoint layouts, on the tiny model."""

from __future__ import annotations

import threading

import pytest

from desktop_ocr.engine import (
    CancelToken,
    Conversation,
    EngineOptions,
    StopReason,
    load_backend,
    prompt_for,
)
from desktop_ocr.engine import local as local_module
from tests.conftest import noise_image
from tests.reference import reference_generate, reference_messages

LONG = 160


def long_answer_image(backend):
    """An image whose answer runs to max_new_tokens in many chunks (checked, not assumed)."""
    for seed in range(20):
        image = noise_image(320, 96, seed=100 + seed)
        chunks: list[str] = []
        answer = backend.generate(
            Conversation.start(image, prompt_for("text")), chunks.append, max_new_tokens=LONG
        )
        if answer.stats.new_tokens == LONG and len(chunks) >= 8:
            return image, answer, chunks
    pytest.fail("no seed gave a long streamed answer; the tiny model is degenerate")


@pytest.fixture(scope="module")
def long_case(backend):
    return long_answer_image(backend)


def test_streamed_chunks_join_to_the_final_answer(long_case):
    _image, answer, chunks = long_case
    assert len(chunks) > 1
    assert "".join(chunks) == answer.text
    assert answer.stats.stop_reason is StopReason.MAX_TOKENS


def test_stats_are_filled(long_case):
    stats = long_case[1].stats
    assert stats.original_size == (320, 96)
    assert stats.visual_tokens == stats.resized_size[0] * stats.resized_size[1] // 784
    assert stats.visual_tokens >= 128  # the default budget upscales small images to 128 tokens
    assert stats.prompt_tokens > stats.visual_tokens
    assert stats.new_tokens == LONG
    assert 0 < stats.time_to_first_token < stats.total_time
    assert stats.tokens_per_second > 0
    assert "visual tokens" in stats.summary()


def test_cancel_from_another_thread_stops_within_a_step_and_model_stays_usable(backend, long_case):
    image, full, _ = long_case
    token = CancelToken()
    chunks: list[str] = []
    seen_at_cancel: list[int] = []
    go = threading.Event()

    def canceller() -> None:
        go.wait(30)
        seen_at_cancel.append(len("".join(chunks)))
        token.cancel()

    thread = threading.Thread(target=canceller)
    thread.start()

    def on_chunk(text: str) -> None:
        chunks.append(text)
        if len(chunks) == 3:
            go.set()
            thread.join()  # the cancel lands while this token is being handled

    conversation = Conversation.start(image, prompt_for("text"))
    answer = backend.generate(conversation, on_chunk, token, max_new_tokens=LONG)

    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert answer.stats.new_tokens < full.stats.new_tokens
    assert full.text.startswith(answer.text)
    # Stopped within one decode step of the cancel: at most one more token was decoded.
    assert len(answer.text) - seen_at_cancel[0] <= max(len(c) for c in chunks) + 16
    assert conversation.turns[-1].answer is None  # a cancelled turn is not recorded

    again = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=LONG)
    assert again.text == full.text


def test_cancel_before_the_first_token_stops_the_prefill(backend):
    token = CancelToken()
    token.cancel()
    chunks: list[str] = []
    answer = backend.generate(
        Conversation.start(noise_image(448, 448), prompt_for("text")), chunks.append, token
    )
    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert answer.stats.new_tokens == 0
    assert answer.text == "" and chunks == []


def test_the_runaway_check_finds_short_cycles_only():
    from desktop_ocr.engine.repetition import MAX_PERIOD, MIN_SPAN, is_runaway

    varied = list(range(1000, 1000 + MIN_SPAN * 2))
    assert not is_runaway(varied)
    assert is_runaway(varied + [7] * MIN_SPAN)  # one token over and over
    assert is_runaway(varied + [1, 2, 3] * (MIN_SPAN // 3 + 1))  # a short phrase
    assert not is_runaway(varied + [7] * (MIN_SPAN - 1))  # not long enough yet
    long_cycle = list(range(MAX_PERIOD + 1))
    assert not is_runaway(long_cycle * (MIN_SPAN // len(long_cycle) + 2))  # a table row, say
    assert not is_runaway([1, 2] * MIN_SPAN + [3])  # the cycle broke at the very end


def test_the_backend_stops_where_the_runaway_check_fires(backend, monkeypatch):
    # The check itself is tested above on real token cycles; the random tiny model never loops,
    # so here it fires at 5 tokens to test that generation stops there and says why.
    monkeypatch.setattr(local_module, "is_runaway", lambda tokens: len(tokens) >= 5)
    answer = backend.generate(Conversation.start(noise_image(200, 60), prompt_for("text")), max_new_tokens=50)
    assert answer.stats.stop_reason is StopReason.REPETITION
    assert answer.stats.new_tokens == 5


def test_follow_up_replaces_a_cancelled_question(backend):
    conversation = Conversation.start(noise_image(200, 60, seed=5), prompt_for("text"))
    token = CancelToken()
    token.cancel()
    backend.generate(conversation, cancel=token)
    conversation.ask("Only the first word?")
    assert [t.question for t in conversation.turns] == ["Only the first word?"]
    answer = backend.generate(conversation, max_new_tokens=8)
    assert conversation.turns[0].answer == answer.text


def test_hub_layout_loads_and_answers_like_the_native_layout(backend, tiny_hub_model):
    hub = load_backend(EngineOptions(model=str(tiny_hub_model), device="cpu", dtype="float32"))
    assert type(hub.processor.tokenizer).__name__ == "Qwen2Tokenizer"  # vocab.json + merges.txt
    for seed in range(3):
        image = noise_image(400, 120, seed=seed)
        expected = backend.generate(Conversation.start(image, prompt_for("latex")), max_new_tokens=20).text
        assert (
            hub.generate(Conversation.start(image, prompt_for("latex")), max_new_tokens=20).text == expected
        )


def test_every_mode_and_a_custom_prompt_answer_as_the_reference_flow(backend, tiny_model):
    """Each mode's prompt (and a question of the user's own) reaches the model as the card asks it."""
    image = noise_image(300, 90, seed=11)
    prompts = [prompt_for(mode) for mode in ("text", "latex", "markdown", "describe")]
    prompts.append("How many lines of text are there?")
    assert len(set(prompts)) == len(prompts)
    budget = backend.options.budget
    for prompt in prompts:
        answer = backend.generate(Conversation.start(image, prompt), max_new_tokens=10)
        expected, expected_ids = reference_generate(
            tiny_model, reference_messages(image, budget, [(prompt, None)]), 10
        )
        assert answer.text == expected, prompt
        assert answer.stats.new_tokens == len(expected_ids), prompt


def test_bfloat16_on_cpu_runs_in_bfloat16_and_answers_as_the_reference_in_bfloat16(tiny_model):
    """The same CPU runs both, so the same bf16 kernels: token-identical whatever the CPU has."""
    import torch

    bf16 = load_backend(EngineOptions(model=str(tiny_model), device="cpu", dtype="bfloat16"))
    assert bf16.identity().dtype == "bfloat16" and "bfloat16" in bf16.describe()
    assert {p.dtype for p in bf16.model.parameters()} == {torch.bfloat16}  # not float32 underneath
    image = noise_image(200, 60)
    answer = bf16.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=8)
    expected, expected_ids = reference_generate(
        tiny_model,
        reference_messages(image, bf16.options.budget, [(prompt_for("text"), None)]),
        8,
        dtype=torch.bfloat16,
    )
    assert answer.text == expected and answer.stats.new_tokens == len(expected_ids)
