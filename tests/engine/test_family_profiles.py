"""The profile table: config.json picks the family, prompts map as the cards give them."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import EngineError
from desktop_ocr.engine.families import (
    BY_KEY,
    PROFILES,
    UnknownArchitectureError,
    profile_for_config,
    profile_for_model,
    strip_think,
)
from desktop_ocr.engine.family_images import budget_size, pixels_per_token
from desktop_ocr.engine.options import PixelBudget
from desktop_ocr.engine.prompts import PROMPTS, Mode


@pytest.mark.parametrize(
    ("config", "model", "key"),
    [
        ({"model_type": "qwen2_vl"}, "", "qwen2-vl"),
        ({"model_type": "qwen2_5_vl"}, "allenai/olmOCR-2-7B-1025", "qwen2.5-vl"),
        ({"model_type": "qwen3_vl"}, "/models/my-qwen3", "qwen3-vl"),
        ({"model_type": "paddleocr_vl"}, "PaddlePaddle/PaddleOCR-VL", "paddleocr-vl"),
        ({"model_type": "paddleocr_vl"}, "/cache/PaddlePaddle/PaddleOCR-VL-1.5/", "paddleocr-vl-1.5"),
        ({"model_type": "glm_ocr"}, "zai-org/GLM-OCR", "glm-ocr"),
        ({"model_type": "lighton_ocr"}, "", "lighton-ocr-2"),
        ({"model_type": "mistral3", "text_config": {"model_type": "qwen3"}}, "", "lighton-ocr-2"),
    ],
)
def test_config_picks_the_profile(config, model, key):
    assert profile_for_config(config, model).key == key


def test_an_unknown_architecture_names_itself_in_one_line():
    with pytest.raises(UnknownArchitectureError) as raised:
        profile_for_config(
            {"model_type": "mistral3", "architectures": ["Mistral3ForConditionalGeneration"]}, "m"
        )
    message = str(raised.value)
    assert "Mistral3ForConditionalGeneration" in message and "\n" not in message


def test_hub_ids_name_their_profile_without_any_file():
    assert profile_for_model("Qwen/Qwen3-VL-4B-Instruct") is BY_KEY["qwen3-vl"]
    assert profile_for_model("prithivMLmods/Qwen2-VL-OCR-2B-Instruct") is BY_KEY["qwen2-vl"]
    assert profile_for_model("someone/else") is None


def test_the_specialists_get_their_cards_prompts():
    assert BY_KEY["paddleocr-vl"].question_for(PROMPTS[Mode.TEXT], 0) == "OCR:"
    assert BY_KEY["paddleocr-vl"].question_for(PROMPTS[Mode.LATEX], 0) == "Formula Recognition:"
    assert BY_KEY["paddleocr-vl"].question_for("Chart Recognition:", 0) == "Chart Recognition:"
    assert BY_KEY["paddleocr-vl-1.5"].question_for("Seal Recognition:", 0) == "Seal Recognition:"
    assert BY_KEY["glm-ocr"].question_for(PROMPTS[Mode.TEXT], 0) == "Text Recognition:"
    assert BY_KEY["glm-ocr"].question_for("Table Recognition:", 0) == "Table Recognition:"
    assert BY_KEY["lighton-ocr-2"].question_for(PROMPTS[Mode.MARKDOWN], 0) is None
    with pytest.raises(EngineError, match="no describe mode"):
        BY_KEY["glm-ocr"].question_for(PROMPTS[Mode.DESCRIBE], 0)


def test_the_general_families_take_anything():
    for key in ("qwen2-vl", "qwen2.5-vl", "qwen3-vl"):
        profile = BY_KEY[key]
        assert profile.allows_free_prompt and profile.allows_presets and profile.allows_follow_ups
        assert profile.question_for("What colour is it?", 3) == "What colour is it?"
        assert profile.question_for(PROMPTS[Mode.TEXT], 0) == PROMPTS[Mode.TEXT]


def test_specialists_say_why_the_window_disables_prompts():
    for profile in PROFILES:
        if not profile.allows_free_prompt:
            assert profile.why_fixed and not profile.allows_presets and not profile.allows_follow_ups


def test_think_blocks_are_cut():
    assert strip_think("<think>hmm\nyes</think>\n\nTotal 42") == "Total 42"
    assert strip_think("Total <think>unfinished") == "Total "
    assert strip_think("no blocks") == "no blocks"


def test_budget_is_translated_by_each_processors_patch():
    from transformers import PixtralImageProcessor, Qwen2VLImageProcessor

    class Processor:
        def __init__(self, image_processor, **extra):
            self.image_processor = image_processor
            self.__dict__.update(extra)

    budget = PixelBudget(128 * 784, 1280 * 784)
    qwen2 = Processor(Qwen2VLImageProcessor(patch_size=14, merge_size=2))
    qwen3 = Processor(Qwen2VLImageProcessor(patch_size=16, merge_size=2))
    assert pixels_per_token(qwen2) == 28 * 28 and pixels_per_token(qwen3) == 32 * 32
    assert budget_size(qwen2, budget) == {"shortest_edge": 128 * 784, "longest_edge": 1280 * 784}
    assert budget_size(qwen3, budget) == {"shortest_edge": 128 * 1024, "longest_edge": 1280 * 1024}
    pixtral = Processor(
        PixtralImageProcessor(patch_size={"height": 14, "width": 14}, size={"longest_edge": 1540}),
        patch_size=14,
        spatial_merge_size=2,
    )
    assert budget_size(pixtral, budget) == {"longest_edge": 28 * 35}  # a 35×35-token square


def test_list_lines_name_size_download_and_licence():
    for profile in PROFILES:
        line = profile.describe()
        assert profile.default_repo in line and profile.licence in line and "GB" in line


def test_budget_holds_glm_ocr_to_the_same_tokens_though_its_area_counts_two_frames():
    """GLM's processor bounds the area of the two frames a picture is repeated into: the
    budget's area is doubled, or GLM-OCR would get half the visual tokens of the others."""
    from PIL import Image
    from transformers import Glm46VImageProcessor

    class Processor:
        def __init__(self, image_processor):
            self.image_processor = image_processor

    budget = PixelBudget(128 * 784, 1280 * 784)
    # zai-org/GLM-OCR's preprocessor_config.json
    glm = Processor(Glm46VImageProcessor(size={"shortest_edge": 12544, "longest_edge": 9633792}))
    assert budget_size(glm, budget) == {"shortest_edge": 2 * 128 * 784, "longest_edge": 2 * 1280 * 784}
    glm.image_processor.size = budget_size(glm, budget)
    for size, low, high in (((3000, 2000), 1150, 1280), ((60, 40), 128, 200)):
        picture = Image.new("RGB", size, "white")
        grid = glm.image_processor(images=[picture], return_tensors="pt")["image_grid_thw"]
        tokens = int(grid[0].prod()) // 4  # 2×2 patches merge into one token
        assert low <= tokens <= high, (size, tokens)
