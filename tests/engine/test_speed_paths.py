"""The transformers backend's speed paths on the tiny model: warm-up and the static KV cache
that compile_decode uses on CUDA (on the CPU it runs uncompiled and must change nothing)."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import Conversation, EngineOptions, StopReason, prompt_for
from desktop_ocr.engine.local import STATIC_CACHE_STEP, WARM_UP_SIZE, WARM_UP_TOKENS, LocalBackend
from tests.conftest import noise_image
from tests.engine.generation_spy import spy_on_generate


def test_warm_up_runs_a_short_generation_and_leaves_nothing_behind(backend, monkeypatch):
    generations = spy_on_generate(monkeypatch, backend)
    backend.warm_up()
    # It generated: one real, short answer on its own small image, through the model.
    assert len(generations) == 1
    _, warm = generations[0]
    assert warm.stats.original_size == WARM_UP_SIZE
    assert warm.stats.visual_tokens > 0 and warm.stats.prompt_tokens > 0
    assert 0 < warm.stats.new_tokens <= WARM_UP_TOKENS
    assert backend.warm_ups == 1
    # Nothing behind: a later answer is a fresh one of its own length.
    answer = backend.generate(Conversation.start(noise_image(200, 60), prompt_for("text")), max_new_tokens=4)
    assert answer.stats.new_tokens == 4


@pytest.fixture
def static_cache(backend):
    backend.force_static_cache = True
    yield backend
    backend.force_static_cache = False


def test_static_cache_gives_the_same_greedy_tokens_as_the_dynamic_cache(backend):
    cases = [noise_image(300 + 50 * s, 60 + 40 * s, seed=20 + s) for s in range(3)]

    def answers():
        return [backend.generate(Conversation.start(i, prompt_for("text")), max_new_tokens=24) for i in cases]

    eager = answers()
    backend.force_static_cache = True
    try:
        static = answers()
    finally:
        backend.force_static_cache = False
    assert [a.text for a in static] == [a.text for a in eager]
    assert len({a.text for a in eager}) == 3  # the images give different answers


def test_static_cache_keeps_follow_ups_and_cancel_working(static_cache):
    conversation = Conversation.start(noise_image(300, 60, seed=9), prompt_for("text"))
    static_cache.generate(conversation, max_new_tokens=8)
    conversation.ask("Only the first word?")
    answer = static_cache.generate(conversation, max_new_tokens=8)
    assert answer.stats.stop_reason in (StopReason.MAX_TOKENS, StopReason.END)
    assert conversation.turns[-1].answer == answer.text


def test_static_cache_length_is_rounded_so_one_graph_serves_many_snips(static_cache):
    args = static_cache._decode_cache(100)
    assert args["cache_implementation"] == "static"
    assert args["max_cache_len"] % STATIC_CACHE_STEP == 0
    assert static_cache._decode_cache(200)["max_cache_len"] == args["max_cache_len"]


def test_compile_decode_is_off_on_the_cpu_and_when_turned_off(tiny_model):
    cpu = LocalBackend(EngineOptions(model=str(tiny_model), device="cpu", dtype="float32"))
    assert not cpu.compile_decode and cpu._decode_cache(64) == {}
    cpu.device = "cuda"  # what the rule says on a GPU, without one
    assert cpu.compile_decode
    options = EngineOptions(model=str(tiny_model), device="cpu", dtype="float32", compile_decode=False)
    off = LocalBackend(options)
    off.device = "cuda"
    assert not off.compile_decode
