"""Token probabilities match the model card's flow (output_logits) on the tiny model."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import CancelToken, Conversation, StopReason, prompt_for
from desktop_ocr.engine.confidence import TokenInfo, token_texts
from tests.conftest import noise_image
from tests.reference import reference_messages, reference_probabilities

MAX_NEW = 24


def assert_matches(tokens: tuple[TokenInfo, ...], ids: list[int], probabilities, end_ids: set[int]) -> None:
    expected_ids = ids[:-1] if ids and ids[-1] in end_ids else ids
    assert [t.id for t in tokens] == expected_ids
    for step, token in enumerate(tokens):
        assert token.p == pytest.approx(float(probabilities[step, token.id]), abs=1e-4)
        top = probabilities[step].topk(4)
        expected_alternatives = [
            (int(i), float(p)) for p, i in zip(top.values, top.indices, strict=True) if int(i) != token.id
        ][:3]
        assert [a.id for a in token.alternatives] == [i for i, _ in expected_alternatives]
        for alternative, (_, p) in zip(token.alternatives, expected_alternatives, strict=True):
            assert alternative.p == pytest.approx(p, abs=1e-4)


def end_ids(backend) -> set[int]:
    value = backend.model.generation_config.eos_token_id
    return set(value if isinstance(value, list) else [value])


def test_probabilities_match_reference_including_a_follow_up(backend, tiny_model):
    image = noise_image(448, 224, seed=3)
    budget = backend.options.budget
    conversation = Conversation.start(image, prompt_for("markdown"))
    first = backend.generate(conversation, max_new_tokens=MAX_NEW)
    ids, probabilities = reference_probabilities(
        tiny_model, reference_messages(image, budget, [(prompt_for("markdown"), None)]), MAX_NEW
    )
    assert first.tokens, "no token data recorded"
    assert_matches(first.tokens, ids, probabilities, end_ids(backend))
    assert "".join(t.text for t in first.tokens) == first.text

    conversation.ask("What is the second line?")
    second = backend.generate(conversation, max_new_tokens=MAX_NEW)
    ids, probabilities = reference_probabilities(
        tiny_model,
        reference_messages(
            image, budget, [(prompt_for("markdown"), first.text), ("What is the second line?", None)]
        ),
        MAX_NEW,
    )
    assert_matches(second.tokens, ids, probabilities, end_ids(backend))
    assert "".join(t.text for t in second.tokens) == second.text


def test_repetition_penalty_does_not_touch_the_recorded_p(backend, tiny_model):
    """p comes from the raw logits: the penalty (1.05 in the shipped config) is not in it."""
    assert backend.model.generation_config.repetition_penalty not in (None, 1.0)
    image = noise_image(320, 96, seed=11)
    answer = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=MAX_NEW)
    ids, probabilities = reference_probabilities(
        tiny_model, reference_messages(image, backend.options.budget, [(prompt_for("text"), None)]), MAX_NEW
    )
    assert_matches(answer.tokens, ids, probabilities, end_ids(backend))


def test_cancelled_generation_keeps_the_tokens_made_so_far(backend):
    image = noise_image(320, 96, seed=101)
    full = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=40)
    token = CancelToken()
    seen: list[str] = []

    def on_chunk(text: str) -> None:
        seen.append(text)
        if len(seen) == 2:
            token.cancel()

    partial = backend.generate(
        Conversation.start(image, prompt_for("text")), on_chunk, token, max_new_tokens=40
    )
    assert partial.stats.stop_reason is StopReason.CANCELLED
    assert 0 < len(partial.tokens) < len(full.tokens)
    assert [t.id for t in partial.tokens] == [t.id for t in full.tokens[: len(partial.tokens)]]
    assert [t.p for t in partial.tokens] == pytest.approx([t.p for t in full.tokens[: len(partial.tokens)]])
    assert "".join(t.text for t in partial.tokens) == partial.text


def test_cancel_before_the_first_token_gives_no_tokens(backend):
    token = CancelToken()
    token.cancel()
    answer = backend.generate(Conversation.start(noise_image(64, 64), prompt_for("text")), cancel=token)
    assert answer.tokens == ()


def test_recording_off_gives_no_tokens_and_the_same_text(backend):
    image = noise_image(200, 60, seed=5)
    with_tokens = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=12)
    backend.record_tokens = False
    try:
        without = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=12)
    finally:
        backend.record_tokens = True
    assert without.tokens == () and without.text == with_tokens.text


def fake_decode(vocab):
    """A byte-level decoder: each id is some bytes; invalid UTF-8 shows as U+FFFD."""
    return lambda ids: b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")


def test_token_splitting_a_character_carries_nothing_and_the_completing_token_carries_it():
    euro = "€".encode()  # three bytes
    vocab = {0: b"a", 1: euro[:1], 2: euro[1:2], 3: euro[2:] + b"b", 4: b"c"}
    decode = fake_decode(vocab)
    ids = [0, 1, 2, 3, 4]
    assert token_texts(decode, ids, decode(ids)) == ["a", "", "", "€b", "c"]


def test_a_trailing_partial_character_goes_to_the_last_token():
    euro = "€".encode()
    vocab = {0: b"a", 1: euro[:2]}
    decode = fake_decode(vocab)
    pieces = token_texts(decode, [0, 1], decode([0, 1]))
    assert "".join(pieces) == "a\ufffd" and pieces[0] == "a"


def test_real_tokenizer_texts_join_exactly_on_multibyte_text(backend):
    text = "Größe: 3 € — 東京 ∑x² 🙂 naïve"
    ids = backend.tokenizer.encode(text, add_special_tokens=False)
    assert len(ids) > 5

    def decode(part):
        return backend.tokenizer.decode(
            list(part), skip_special_tokens=True, clean_up_tokenization_spaces=False
        )

    pieces = token_texts(decode, ids, decode(ids))
    assert "".join(pieces) == text
    assert "" in pieces  # some token ends inside a character (the emoji, the CJK)


@pytest.mark.parametrize("layout", ["spread", "one chunk", "odd size"])
def test_recorder_on_a_real_sized_vocabulary_matches_softmax_and_topk(layout):
    import torch

    from desktop_ocr.engine.confidence import ProbabilityRecorder

    size = 151_937 if layout == "odd size" else 151_936  # an odd size takes torch.topk itself
    generator = torch.Generator().manual_seed(3)
    logits = torch.randn(1, 1, size, generator=generator) * 4
    if layout == "one chunk":
        logits[0, 0, 1000:1004] = torch.tensor([30.0, 29.0, 28.5, 28.0])  # all four in chunk 7
    recorder = ProbabilityRecorder()
    chosen = 12_345
    recorder.hook(None, None, logits)
    recorder.on_token(chosen)
    (token,) = recorder.tokens(["x"], str)

    probabilities = torch.softmax(logits[0, 0].double(), dim=0)
    # float32 sums over 151,936 terms: a relative error of ~3e-5 against float64
    assert token.p == pytest.approx(float(probabilities[chosen]), rel=1e-4)
    top = probabilities.topk(3)
    assert [a.id for a in token.alternatives] == top.indices.tolist()
    assert [a.p for a in token.alternatives] == pytest.approx(top.values.tolist(), rel=1e-4)
