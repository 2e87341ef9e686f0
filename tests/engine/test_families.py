"""Every profiled family answers token-identical to its model card's transformers code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from desktop_ocr.engine import CancelToken, Conversation, EngineError, EngineOptions, StopReason, load_backend
from desktop_ocr.engine.families import BY_KEY, PROFILES
from desktop_ocr.engine.prompts import PROMPTS, Mode
from tests.conftest import family_checkpoint, noise_image
from tests.reference_families import card_budget, card_generate, card_messages

MAX_NEW = 16
FAMILIES = ["qwen2.5-vl", "qwen3-vl", "paddleocr-vl", "paddleocr-vl-1.5", "glm-ocr", "lighton-ocr-2"]


@cache
def _backend(root: Path, family: str):
    path = family_checkpoint(root, family)
    return load_backend(EngineOptions(model=str(path), device="cpu", dtype="float32"))


def app_question(family: str, mode: str) -> str:
    """What the window or CLI sends for a mode: the app's instruction, or the card prompt typed."""
    if mode in {m.value for m in Mode}:
        return PROMPTS[Mode(mode)]
    prompt = BY_KEY[family].prompts[mode]
    assert prompt is not None
    return prompt


CASES = [(family, mode) for family in FAMILIES for mode in BY_KEY[family].modes]


@pytest.mark.model
@pytest.mark.parametrize(("family", "mode"), CASES)
def test_answer_and_probabilities_match_the_card(family_root, family, mode):
    backend = _backend(family_root, family)
    profile = backend.profile
    assert profile.key == family  # config.json (and the hub name) picked the profile
    image = noise_image(300, 100, seed=len(mode))
    budget = backend.options.budget

    answer = backend.generate(Conversation.start(image, app_question(family, mode)), max_new_tokens=MAX_NEW)
    text, ids, probabilities = card_generate(
        profile,
        family_checkpoint(family_root, family),
        card_messages(profile, image, budget, profile.prompts[mode]),
        card_budget(profile, budget, profile.prompts[mode]),
        MAX_NEW,
    )

    assert answer.text == text
    end_ids = backend.model.generation_config.eos_token_id
    end_ids = set(end_ids if isinstance(end_ids, list) else [end_ids])
    expected_ids = ids[:-1] if ids and ids[-1] in end_ids else ids
    assert [token.id for token in answer.tokens] == expected_ids
    assert answer.stats.new_tokens == len(ids)
    for step, token in enumerate(answer.tokens):
        assert token.p == pytest.approx(float(probabilities[step, token.id]), abs=1e-4)


@pytest.mark.model
@pytest.mark.parametrize("family", FAMILIES)
def test_a_larger_page_matches_the_card_and_images_differ(family_root, family):
    """A portrait page through the card's own resize; other images give other answers (no vacuous pass)."""
    backend = _backend(family_root, family)
    profile = backend.profile
    mode = profile.modes[0]
    image = noise_image(620, 877, seed=11)
    answer = backend.generate(Conversation.start(image, app_question(family, mode)), max_new_tokens=MAX_NEW)
    text, _ids, _p = card_generate(
        profile,
        family_checkpoint(family_root, family),
        card_messages(profile, image, backend.options.budget, profile.prompts[mode]),
        backend.options.budget,
        MAX_NEW,
    )
    assert answer.text == text
    assert answer.stats.visual_tokens > 0
    others = {
        backend.generate(
            Conversation.start(noise_image(300, 100, seed), app_question(family, mode)), max_new_tokens=8
        ).text
        for seed in range(3)
    }
    assert len(others | {answer.text}) > 1


@pytest.mark.model
@pytest.mark.parametrize("family", FAMILIES)
def test_cancel_before_the_first_token_stops_the_prefill(family_root, family):
    backend = _backend(family_root, family)
    token = CancelToken()
    token.cancel()
    chunks: list[str] = []
    question = app_question(family, backend.profile.modes[0])
    answer = backend.generate(Conversation.start(noise_image(448, 448), question), chunks.append, token)
    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert answer.stats.new_tokens == 0
    assert answer.text == "" and chunks == []


@pytest.mark.model
def test_qwen3_vl_follow_up_matches_the_card_conversation(family_root):
    backend = _backend(family_root, "qwen3-vl")
    image = noise_image(448, 224, seed=3)
    conversation = Conversation.start(image, PROMPTS[Mode.MARKDOWN])
    first = backend.generate(conversation, max_new_tokens=MAX_NEW)
    conversation.ask("What is the second line?")
    second = backend.generate(conversation, max_new_tokens=MAX_NEW)

    messages = card_messages(backend.profile, image, backend.options.budget, PROMPTS[Mode.MARKDOWN])
    messages.append({"role": "assistant", "content": [{"type": "text", "text": first.text}]})
    messages.append({"role": "user", "content": [{"type": "text", "text": "What is the second line?"}]})
    text, _ids, _p = card_generate(
        backend.profile, family_checkpoint(family_root, "qwen3-vl"), messages, backend.options.budget, MAX_NEW
    )
    assert second.text == text


@pytest.mark.model
@pytest.mark.parametrize("family", ["paddleocr-vl", "glm-ocr", "lighton-ocr-2"])
def test_specialists_refuse_free_prompts_and_follow_ups_in_one_line(family_root, family):
    backend = _backend(family_root, family)
    image = noise_image(200, 60)
    with pytest.raises(EngineError, match="takes no free prompt") as free:
        backend.generate(Conversation.start(image, "What colour is it?"), max_new_tokens=4)
    conversation = Conversation.start(image, PROMPTS[Mode.TEXT])
    backend.generate(conversation, max_new_tokens=4)
    conversation.ask("And the second line?")
    with pytest.raises(EngineError, match="one question per image") as follow_up:
        backend.generate(conversation, max_new_tokens=4)
    assert "\n" not in str(free.value) + str(follow_up.value)


def test_every_profile_is_listed_once_a_line():
    from tests.cli_in_process import run_main

    ran = run_main(["--list-models"])
    lines = ran.stdout.decode().splitlines()
    assert ran.returncode == 0
    assert len(lines) == len(PROFILES)
    for profile, line in zip(PROFILES, lines, strict=True):
        assert line.startswith(f"{profile.name}: {profile.default_repo}")


def test_an_unknown_architecture_is_one_line_and_exit_2(tmp_path):
    from tests.cli_in_process import run_main

    folder = tmp_path / "llava"
    folder.mkdir()
    (folder / "config.json").write_text(
        '{"model_type": "llava", "architectures": ["LlavaForConditionalGeneration"]}'
    )
    noise_image(64, 64).save(tmp_path / "page.png")
    ran = run_main(["--cli", "--backend", "transformers", "--model", str(folder), str(tmp_path / "page.png")])
    errors = ran.stderr.decode()
    assert ran.returncode == 2
    assert "LlavaForConditionalGeneration" in errors and "no profile" in errors
    assert "Traceback" not in errors and len(errors.strip().splitlines()) == 1


# What each family OpenVINO cannot run says instead (seen with optimum-intel 2.2.0 and
# openvino-genai 2026.4.1: README "Model families").
WITHOUT_OPENVINO = {
    "paddleocr-vl": "OpenVINO's converter does not export it",
    "paddleocr-vl-1.5": "OpenVINO's converter does not export it",
    "glm-ocr": "OpenVINO's converter does not export it",
    "lighton-ocr-2": "OpenVINO GenAI does not run it",
}


def test_openvino_runs_the_qwen_families_and_every_other_profile_says_why_not():
    assert {p.key for p in PROFILES if p.openvino} == {"qwen2-vl", "qwen2.5-vl", "qwen3-vl"}
    assert {p.key: p.why_not_openvino for p in PROFILES if not p.openvino} == WITHOUT_OPENVINO


@pytest.mark.model
@pytest.mark.parametrize("family", sorted(WITHOUT_OPENVINO))
def test_auto_says_in_one_line_that_a_family_without_openvino_runs_with_transformers(family_root, family):
    from desktop_ocr.engine.backends import create_backend
    from desktop_ocr.engine.local import LocalBackend

    said: list[str] = []
    path = family_checkpoint(family_root, family)
    backend = create_backend(
        EngineOptions(model=str(path), device="cpu", dtype="float32", backend="auto"), status=said.append
    )
    assert isinstance(backend, LocalBackend)
    assert [line for line in said if "OpenVINO" in line] == [
        f"{BY_KEY[family].name} runs with transformers: {WITHOUT_OPENVINO[family]}"
    ]


@pytest.mark.model
@pytest.mark.parametrize("family", ["paddleocr-vl", "lighton-ocr-2"])
def test_openvino_asked_for_a_family_it_cannot_run_is_one_line(family_root, family):
    from desktop_ocr.engine.errors import ModelLoadError
    from desktop_ocr.engine.openvino_backend import load_openvino_backend

    path = family_checkpoint(family_root, family)
    expected = f"OpenVINO cannot run {BY_KEY[family].name} models: {WITHOUT_OPENVINO[family]}"
    with pytest.raises(ModelLoadError) as raised:
        load_openvino_backend(EngineOptions(model=str(path), backend="openvino", device="cpu"))
    assert str(raised.value) == expected


@pytest.mark.model
@pytest.mark.parametrize("family", FAMILIES)
def test_warm_up_and_the_static_cache_decode_follow_the_family(family_root, family, monkeypatch):
    """warm_up() runs the family's own path; the static cache (compiled on CUDA) gives the same tokens."""
    backend = _backend(family_root, family)
    before = backend.warm_ups
    backend.warm_up()
    assert backend.warm_ups == before + 1
    question = app_question(family, backend.profile.modes[0])
    image = noise_image(300, 100, seed=5)
    plain = backend.generate(Conversation.start(image, question), max_new_tokens=8)
    monkeypatch.setattr(backend, "force_static_cache", True)
    static = backend.generate(Conversation.start(image, question), max_new_tokens=8)
    assert [t.id for t in static.tokens] == [t.id for t in plain.tokens]
    assert static.text == plain.text


@pytest.mark.model
def test_paddleocr_vl_decodes_with_the_kv_cache_its_generation_config_turns_off(family_root, monkeypatch):
    """The hub's generation_config.json says use_cache false: without the app's override every
    new token would run the whole prompt (image included) through the model again."""
    backend = _backend(family_root, "paddleocr-vl")
    assert backend.model.generation_config.use_cache is False
    lengths: list[int] = []

    def record(_module, _args, kwargs):  # each forward's input length, the model unchanged
        lengths.append(int(kwargs["input_ids"].shape[1]))

    hook = backend.model.register_forward_pre_hook(record, with_kwargs=True)
    try:
        answer = backend.generate(
            Conversation.start(noise_image(300, 100), PROMPTS[Mode.TEXT]), max_new_tokens=6
        )
    finally:
        hook.remove()
    assert answer.stats.new_tokens > 1 and len(lengths) == answer.stats.new_tokens
    assert lengths[0] == answer.stats.prompt_tokens and set(lengths[1:]) == {1}


@pytest.mark.model
def test_paddleocr_vl_1_5_spots_text_on_a_doubled_picture_as_its_card_does(family_root):
    """Spotting sees a small picture at twice its size, with a larger cap; reading does not."""
    backend = _backend(family_root, "paddleocr-vl-1.5")
    image = noise_image(1000, 700, seed=5)  # 893 tokens as it is; doubled, over the 2048 cap
    spotted = backend.generate(Conversation.start(image, "Spotting:"), max_new_tokens=2)
    read = backend.generate(
        Conversation.start(image, app_question("paddleocr-vl-1.5", "text")), max_new_tokens=2
    )
    assert read.stats.resized_size is not None and spotted.stats.resized_size is not None
    assert spotted.stats.original_size == read.stats.original_size == (1000, 700)
    assert read.stats.visual_tokens <= 1280 < spotted.stats.visual_tokens <= 2048
    big = noise_image(1600, 200, seed=5)  # over 1500 px one way: not enlarged
    assert backend.generate(Conversation.start(big, "Spotting:"), max_new_tokens=1).stats.resized_size == (
        backend.generate(Conversation.start(big, "OCR:"), max_new_tokens=1).stats.resized_size
    )
