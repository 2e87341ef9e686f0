"""The tiny family checkpoints hold what the released hub files hold, where the app relies on it.

The tiny checkpoints (desktop_ocr/_dev/family_checkpoints.py) are written offline, so nothing
but these pins says they match the real models: the prompt the chat template renders for the
app's own messages, the special tokens, the image processor's settings and the generation
settings the app keeps (repetition penalty, end tokens). Each expected value is quoted from
the released file, with where it was read; no hub is reachable from the tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from desktop_ocr.engine.conversation import Conversation
from desktop_ocr.engine.families import BY_KEY
from desktop_ocr.engine.family_inputs import family_messages
from desktop_ocr.engine.prompts import PROMPTS, Mode

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
HALF = [0.5, 0.5, 0.5]
BICUBIC = 3

# Qwen2-VL's chat_template.json, which Qwen2.5-VL ships unchanged (quoted in transformers'
# tests/models/qwen2_vl/test_processor_qwen2_vl.py, and as "official_chat_template" of
# Qwen/Qwen2.5-VL-7B-Instruct@cc594898 in a renderer-validation record): a default system turn.
QWEN2_PROMPT = (
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>{question}<|im_end|>\n"
    "<|im_start|>assistant\n"
)
# Qwen3-VL-*-Instruct's chat_template.json (the 5292-byte template with tools, quoted whole in a
# test pinning its SHA-256 3636d0f0…): no default system turn.
QWEN3_PROMPT = (
    "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>{question}<|im_end|>\n"
    "<|im_start|>assistant\n"
)
# PaddlePaddle/PaddleOCR-VL chat_template.jinja (read from the file in an OpenVINO port of the
# model): images first, then the text, "\n", and "Assistant: " to answer; an answer ends in "</s>".
PADDLE_PROMPT = (
    "<|begin_of_sentence|>User: <|IMAGE_START|><|IMAGE_PLACEHOLDER|><|IMAGE_END|>{question}\nAssistant: "
)
# PaddlePaddle/PaddleOCR-VL-1.5's template is 1.0's with a newline after "Assistant:": PaddleFormers'
# examples/best_practices/PaddleOCR-VL-1.5/table_ocr.md (@038ba22d) says 1.5's chat_template was
# updated and registers it as "paddleocr_vl_v15": "User: {{content}}\nAssistant:\n" after
# "<|begin_of_sentence|>"; a port's template checked byte for byte against the 1.5 processor's
# apply_chat_template ends the same way.
PADDLE_1_5_PROMPT = (
    "<|begin_of_sentence|>User: <|IMAGE_START|><|IMAGE_PLACEHOLDER|><|IMAGE_END|>{question}\nAssistant:\n"
)
# PaddleOCR-VL-1.5's task prompts (its model card's PROMPTS, as copied by vLLM's recipe page
# recipes.vllm.ai/PaddlePaddle/PaddleOCR-VL-1.5 and PaddleFormers' guide): 1.0's four, plus
# spotting and seals.
PADDLE_1_5_TASKS = {
    "OCR:",
    "Table Recognition:",
    "Formula Recognition:",
    "Chart Recognition:",
    "Spotting:",
    "Seal Recognition:",
}
# zai-org/GLM-OCR@2e85a628 chat template rendered with the real tokenizer (ids 59248 59250
# 59253 10 59256 59280… 59257 …, 59254 10): no newline between the image and the prompt.
GLM_PROMPT = "[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|end_of_image|>{question}<|assistant|>\n"
# LightOnOCR's template for the image alone (vLLM's offline example for LightOnOCR-1B, a GGUF's
# transcribed template of LightOnOCR-1B-1025, and a port's "official Jinja rendering" test): an
# empty system turn without a newline after "system", and Qwen's <|image_pad|>.
LIGHTON_PROMPT = (
    "<|im_start|>system<|im_end|>\n<|im_start|>user\n<|image_pad|><|im_end|>\n<|im_start|>assistant\n"
)

# The special tokens the app and the processors use, as in the hub tokenizer and configs:
# family → (image token, end tokens of generation_config, pad token).
TOKENS: dict[str, tuple[str, list[str], str]] = {
    # Qwen2.5-VL generation_config: eos [151645 <|im_end|>, 151643 <|endoftext|>], pad 151643.
    "qwen2.5-vl": ("<|image_pad|>", ["<|im_end|>", "<|endoftext|>"], "<|endoftext|>"),
    # Qwen3-VL-*-Instruct generation_config (Qwen3-VL-8B-Instruct's, as a LLaMA-Factory log prints
    # it on loading; the 2B's own file was not found in any stored copy): eos [151645, 151643],
    # pad 151643, bos 151643, do_sample with top_k 20, top_p 0.8, temperature 0.7.
    "qwen3-vl": ("<|image_pad|>", ["<|im_end|>", "<|endoftext|>"], "<|endoftext|>"),
    # PaddleOCR-VL generation_config.json: {"eos_token_id": 2 (</s>), "pad_token_id": 0 (<unk>)}.
    "paddleocr-vl": ("<|IMAGE_PLACEHOLDER|>", ["</s>"], "<unk>"),
    # PaddleOCR-VL-1.5 keeps the tokenizer (eos "</s>", pad "<unk>", image_token
    # "<|IMAGE_PLACEHOLDER|>" in a 1.5 fine-tune's tokenizer_config.json) and PaddleFormers' 1.5
    # guide generates with eos_token_id 2, pad_token_id 0.
    "paddleocr-vl-1.5": ("<|IMAGE_PLACEHOLDER|>", ["</s>"], "<unk>"),
    # GLM-OCR generation_config.json: eos [59246 <|endoftext|>, 59253 <|user|>], pad 59246.
    "glm-ocr": ("<|image|>", ["<|endoftext|>", "<|user|>"], "<|endoftext|>"),
    # LightOnOCR-2-1B config.json: image_token_id 151655 (<|image_pad|>), pad 151643;
    # transformers' LightOnOCR processor test: break <|vision_pad|>, end <|vision_end|>. Its
    # generation_config.json ends on [151645 <|im_end|>, 151643 <|endoftext|>] (config.json names
    # only 151645): LightOnOCR-1B-1025's file, and onnx-community/LightOnOCR-2-1B-ONNX's copy
    # of the 2-1B one (a fixture of talmago/fast-lightonocr), both with temperature 0.2, top_p 0.9.
    "lighton-ocr-2": ("<|image_pad|>", ["<|im_end|>", "<|endoftext|>"], "<|endoftext|>"),
}

# The image processors' settings, from each hub preprocessor_config.json / processor_config.json:
# family → (patch, merge, shortest_edge, longest_edge, mean, std).
IMAGE_SETTINGS: dict[str, tuple[int, int, int | None, int, list[float], list[float]]] = {
    # Qwen2.5-VL-7B-Instruct: min_pixels 3136, max_pixels 12845056, patch 14, merge 2, CLIP.
    "qwen2.5-vl": (14, 2, 3136, 12845056, CLIP_MEAN, CLIP_STD),
    # Qwen3-VL: size {shortest_edge 65536, longest_edge 16777216}, patch 16, merge 2, mean/std 0.5.
    "qwen3-vl": (16, 2, 65536, 16777216, HALF, HALF),
    # PaddleOCR-VL: min_pixels 147384, max_pixels 2822400, patch 14, merge 2, mean/std 0.5.
    "paddleocr-vl": (14, 2, 147384, 2822400, HALF, HALF),
    # GLM-OCR@2e85a628: size {12544, 9633792}, patch 14, merge 2, CLIP, Glm46VImageProcessor.
    "glm-ocr": (14, 2, 12544, 9633792, CLIP_MEAN, CLIP_STD),
    # LightOnOCR-2-1B: PixtralImageProcessor(Fast), size {longest_edge 1540} (its vision
    # image_size), patch 14, CLIP mean/std, resample 3; processor spatial_merge_size 2. Read in
    # LightOnOCR-1B-1025's preprocessor_config.json and processor_config.json (vendored whole in
    # nikolay-grudanov/Team_5_AI_Tutor models/LightOnOCR-1B-1025/) and in the 2-1B ONNX export's
    # processor_config.json (talmago/fast-lightonocr tests/fixtures/lightonocr_config/).
    "lighton-ocr-2": (14, 2, None, 1540, CLIP_MEAN, CLIP_STD),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hub-files")


@cache
def _files(root: Path, family: str) -> tuple[Any, Any]:
    from transformers import AutoProcessor, GenerationConfig

    from desktop_ocr._dev.family_checkpoints import build_family_checkpoint

    path = build_family_checkpoint(root / family, family)
    return AutoProcessor.from_pretrained(path), GenerationConfig.from_pretrained(path)


def _rendered(processor: Any, family: str, conversation: Conversation) -> str:
    """The prompt text the app's messages render to, through the checkpoint's chat template."""
    messages = family_messages(conversation, BY_KEY[family], {"type": "image", "image": conversation.image})
    return str(processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))


def _picture() -> Image.Image:
    return Image.new("RGB", (64, 64), "white")


@pytest.mark.parametrize(
    ("family", "question", "expected"),
    [
        ("qwen2.5-vl", PROMPTS[Mode.TEXT], QWEN2_PROMPT.format(question=PROMPTS[Mode.TEXT])),
        ("qwen3-vl", PROMPTS[Mode.TEXT], QWEN3_PROMPT.format(question=PROMPTS[Mode.TEXT])),
        ("paddleocr-vl", PROMPTS[Mode.TEXT], PADDLE_PROMPT.format(question="OCR:")),
        ("paddleocr-vl", "Table Recognition:", PADDLE_PROMPT.format(question="Table Recognition:")),
        ("paddleocr-vl-1.5", PROMPTS[Mode.TEXT], PADDLE_1_5_PROMPT.format(question="OCR:")),
        ("paddleocr-vl-1.5", "Spotting:", PADDLE_1_5_PROMPT.format(question="Spotting:")),
        ("paddleocr-vl-1.5", "Seal Recognition:", PADDLE_1_5_PROMPT.format(question="Seal Recognition:")),
        ("glm-ocr", PROMPTS[Mode.TEXT], GLM_PROMPT.format(question="Text Recognition:")),
        ("glm-ocr", PROMPTS[Mode.LATEX], GLM_PROMPT.format(question="Formula Recognition:")),
        ("lighton-ocr-2", PROMPTS[Mode.MARKDOWN], LIGHTON_PROMPT),
    ],
)
def test_the_first_turn_renders_as_the_hub_template_renders_it(root, family, question, expected):
    processor, _generation = _files(root, family)
    assert _rendered(processor, family, Conversation.start(_picture(), question)) == expected


@pytest.mark.parametrize(
    ("family", "first", "answer_turn"),
    [
        ("qwen2.5-vl", QWEN2_PROMPT, "{answer}<|im_end|>\n<|im_start|>user\n{follow_up}<|im_end|>\n"),
        ("qwen3-vl", QWEN3_PROMPT, "{answer}<|im_end|>\n<|im_start|>user\n{follow_up}<|im_end|>\n"),
    ],
)
def test_a_follow_up_renders_as_the_hub_template_renders_it(root, family, first, answer_turn):
    """Both templates close an answer with <|im_end|>\\n and open the next user turn bare."""
    processor, _generation = _files(root, family)
    conversation = Conversation.start(_picture(), PROMPTS[Mode.TEXT])
    conversation.answer("Total 42")
    conversation.ask("And the date?")
    expected = (
        first.format(question=PROMPTS[Mode.TEXT])
        + answer_turn.format(answer="Total 42", follow_up="And the date?")
        + "<|im_start|>assistant\n"
    )
    assert _rendered(processor, family, conversation) == expected


@pytest.mark.parametrize("family", sorted(TOKENS))
def test_special_tokens_are_the_hub_tokens(root, family):
    processor, generation = _files(root, family)
    image_token, end_tokens, pad_token = TOKENS[family]
    tokenizer = processor.tokenizer
    image_id = getattr(processor, "image_token_id", None)
    if image_id is None:
        image_id = tokenizer.convert_tokens_to_ids(processor.image_token)
    assert tokenizer.convert_ids_to_tokens(int(image_id)) == image_token
    ends = generation.eos_token_id if isinstance(generation.eos_token_id, list) else [generation.eos_token_id]
    assert tokenizer.convert_ids_to_tokens(ends) == end_tokens
    assert tokenizer.convert_ids_to_tokens(generation.pad_token_id) == pad_token
    if family == "lighton-ocr-2":
        assert processor.image_break_token == "<|vision_pad|>"
        assert processor.image_end_token == "<|vision_end|>"


@pytest.mark.parametrize("family", sorted(IMAGE_SETTINGS))
def test_image_processor_settings_are_the_hub_settings(root, family):
    processor, _generation = _files(root, family)
    image = processor.image_processor
    patch, merge, shortest, longest, mean, std = IMAGE_SETTINGS[family]
    patch_size = image.patch_size["height"] if isinstance(image.patch_size, dict) else image.patch_size
    merge_size = getattr(image, "merge_size", None) or processor.spatial_merge_size
    assert (patch_size, merge_size) == (patch, merge)
    assert image.size.get("shortest_edge") == shortest and image.size["longest_edge"] == longest
    assert list(image.image_mean) == pytest.approx(mean) and list(image.image_std) == pytest.approx(std)
    assert int(image.resample) == BICUBIC
    if family == "glm-ocr":
        assert type(image).__name__ == "Glm46VImageProcessor"  # the hub's image_processor_type


def test_paddleocr_vl_1_5_offers_its_cards_task_prompts():
    assert set(BY_KEY["paddleocr-vl-1.5"].prompts.values()) == PADDLE_1_5_TASKS


def test_generation_settings_the_app_keeps_are_the_hub_settings(root):
    """Greedy decoding keeps the repetition penalty, so it must be the released one."""
    # Qwen2.5-VL's generation_config: "repetition_penalty": 1.05 (as Qwen2-VL's).
    assert _files(root, "qwen2.5-vl")[1].repetition_penalty == 1.05
    # Qwen3-VL-2B-Instruct and the specialists ship none (1.0).
    for family in ("qwen3-vl", "paddleocr-vl", "paddleocr-vl-1.5", "glm-ocr", "lighton-ocr-2"):
        assert _files(root, family)[1].repetition_penalty in (None, 1.0)
    # PaddleOCR-VL's generation_config.json: "use_cache": false (the app turns the cache on).
    assert _files(root, "paddleocr-vl")[1].use_cache is False
    # The sampling the app replaces with greedy decoding (see TOKENS for where each was read).
    qwen3, lighton = _files(root, "qwen3-vl")[1], _files(root, "lighton-ocr-2")[1]
    assert (qwen3.do_sample, qwen3.top_k, qwen3.top_p, qwen3.temperature) == (True, 20, 0.8, 0.7)
    assert (lighton.do_sample, lighton.top_k, lighton.top_p, lighton.temperature) == (True, 0, 0.9, 0.2)
