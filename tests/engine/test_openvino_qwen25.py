"""Qwen2.5-VL through OpenVINO: the pinned converter (optimum-intel 2.2) exports qwen2_5_vl, and
GenAI's VLMPipeline runs it; its answers must be transformers fp32's, token for token.

As test_openvino.py: OpenVINO runs with dtype float32 (f32 inference precision pinned), the
conversion goes to a temporary cache, and without a converter or the `openvino` extra these
tests skip (they fail in CI, where .ci/run sets the converter up).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ocr.engine import Conversation, EngineOptions, load_backend
from desktop_ocr.engine.families import BY_KEY
from desktop_ocr.engine.prompts import PROMPTS, Mode
from tests.conftest import noise_image

pytest.importorskip("openvino_genai", reason='the "openvino" extra is not installed')

AGREEMENT_TOKENS = 16
FAMILY = "qwen2.5-vl"


@pytest.fixture(scope="module")
def qwen25(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop_ocr._dev.family_checkpoints import build_family_checkpoint

    return build_family_checkpoint(tmp_path_factory.mktemp("qwen25") / "Qwen2.5-VL-tiny", FAMILY)


@pytest.fixture(scope="module")
def ov_qwen25(qwen25: Path, ov_cache):
    from desktop_ocr.engine.openvino_backend import OpenVINOBackend

    lines: list[str] = []
    backend = OpenVINOBackend(
        EngineOptions(model=str(qwen25), device="cpu", dtype="float32", weights="fp16"),
        convert_progress=lines.append,
    )
    backend.conversion_lines = lines  # type: ignore[attr-defined]
    return backend


@pytest.fixture(scope="module")
def torch_qwen25(qwen25: Path):
    options = EngineOptions(model=str(qwen25), device="cpu", dtype="float32", backend="transformers")
    return load_backend(options)


def test_the_converter_exports_qwen25_and_the_profile_says_so(ov_qwen25):
    assert BY_KEY[FAMILY].openvino
    assert ov_qwen25.profile.key == FAMILY
    assert any(line.startswith("converted in") for line in ov_qwen25.conversion_lines)
    assert (ov_qwen25.folder / "openvino_language_model.xml").exists()


# OpenVINO's f32 arithmetic differs from torch's in the last bits: where the tiny model's random
# weights put two tokens this close, either may come first (measured: one of the four modes).
NEAR_TIE = 1e-3


@pytest.mark.parametrize("mode", [mode for mode in Mode if mode.asks_model])
def test_openvino_answers_as_transformers_fp32_in_every_mode(ov_qwen25, torch_qwen25, mode):
    """Same prompt tokens and the same tokens: Qwen2.5-VL takes every mode. Where the answers
    part, transformers must have had OpenVINO's token within NEAR_TIE of its own choice."""
    image = noise_image(300, 90, seed=len(mode.value))
    question = PROMPTS[mode]
    ref = torch_qwen25.generate(Conversation.start(image, question), max_new_tokens=AGREEMENT_TOKENS)
    got = ov_qwen25.generate(Conversation.start(image, question), max_new_tokens=AGREEMENT_TOKENS)
    assert got.stats.prompt_tokens == ref.stats.prompt_tokens
    if got.text == ref.text:
        assert got.stats.new_tokens == ref.stats.new_tokens
        return
    agreed = ""
    for token in ref.tokens:
        if not got.text.startswith(agreed + token.text):
            rest = got.text[len(agreed) :]
            ties = [alt for alt in token.alternatives if alt.text and rest.startswith(alt.text)]
            assert ties, f"OpenVINO parted after {agreed!r} with a token transformers did not rank"
            assert token.p - max(alt.p for alt in ties) < NEAR_TIE, (agreed, token, ties)
            return
        agreed += token.text
    pytest.fail(f"OpenVINO answered {got.text!r} where transformers answered {ref.text!r}")


def test_different_images_give_different_answers(ov_qwen25):
    """The agreement above is not vacuous: the answers depend on the image."""
    conversations = [Conversation.start(noise_image(300, 60, seed=s), PROMPTS[Mode.TEXT]) for s in range(3)]
    assert len({ov_qwen25.generate(c, max_new_tokens=8).text for c in conversations}) > 1


def test_auto_picks_openvino_for_a_converted_qwen25(ov_qwen25, qwen25):
    from desktop_ocr.engine.backends import create_backend
    from desktop_ocr.engine.openvino_backend import OpenVINOBackend

    said: list[str] = []
    picked = create_backend(
        EngineOptions(model=str(qwen25), device="cpu", dtype="float32", weights="fp16"), status=said.append
    )
    assert isinstance(picked, OpenVINOBackend)
    assert picked.profile.key == FAMILY and picked.folder == ov_qwen25.folder
    assert not any("runs with transformers" in line for line in said)
