"""Tiny random-weight checkpoints of every profiled family, built offline, for tests.

Each is written by the family's real config, model and processor classes (``save_pretrained``:
the layout the hub repos of these transformers-5-native models hold), with a BPE tokenizer
trained on the spot that holds the family's special tokens, and its chat template
(_dev/family_templates.py). Qwen2-VL's own builder, in both of its layouts, is checkpoint.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import family_templates as templates
from .checkpoint import _widen_weights, train_tokenizer
from .family_full import FULL
from .family_full import sized as _sized

QWEN_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
    "<think>",
    "</think>",
)
PADDLE_TOKENS = (
    "<unk>",
    "<s>",
    "</s>",
    "<|begin_of_sentence|>",
    "<|end_of_sentence|>",
    "<|IMAGE_START|>",
    "<|IMAGE_PLACEHOLDER|>",
    "<|IMAGE_END|>",
    "<|VIDEO_PLACEHOLDER|>",
)
GLM_TOKENS = (
    "<|endoftext|>",
    "[gMASK]",
    "<sop>",
    "<|system|>",
    "<|user|>",
    "<|assistant|>",
    "<|begin_of_image|>",
    "<|end_of_image|>",
    "<|image|>",
    "<|begin_of_video|>",
    "<|end_of_video|>",
    "<|video|>",
    "<think>",
    "</think>",
)
# LightOnOCR-2 keeps Qwen3's vocabulary: its image, row-break and end tokens are Qwen's.
LIGHTON_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
)

TINY_LAYERS = 2


def _tokenizer(special: tuple[str, ...], **named: str) -> tuple[Any, dict[str, int]]:
    """A fast tokenizer holding `special`; `named` become attributes such as image_token."""
    from transformers import PreTrainedTokenizerFast

    raw = train_tokenizer()
    raw.add_special_tokens(list(special))
    ids = {token: raw.token_to_id(token) for token in special}
    roles = {key: value for key, value in named.items() if key in ("eos_token", "pad_token", "bos_token")}
    extra = {key: value for key, value in named.items() if key not in roles}
    fast = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token=None, extra_special_tokens=extra, **roles)
    return fast, ids


def _save(
    folder: Path,
    model_class: Any,
    config: Any,
    processor: Any,
    generation: dict[str, Any],
    std: float,
    seed: int,
) -> Path:
    """Tiny (std > 0): the real model class, widened weights, save_pretrained. Full (std 0):
    real-size random bf16 shards written without building the model (family_full.py)."""
    import torch
    from transformers import GenerationConfig

    if std > 0:
        torch.manual_seed(seed)
        model = model_class(config)
        _widen_weights(model, std, seed)
        model.generation_config = GenerationConfig(**generation)
        model.save_pretrained(folder)
    else:
        from .family_full import write_full_random

        write_full_random(folder, model_class, config, seed)
        GenerationConfig(**generation).save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def _qwen_like(folder: Path, family: str, std: float, seed: int) -> Path:
    """Qwen2.5-VL or Qwen3-VL: Qwen2's tokenizer and the Qwen2-VL image processor."""
    import transformers as tf

    tokenizer, ids = _tokenizer(QWEN_TOKENS, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    special: dict[str, Any] = {
        "image_token_id": ids["<|image_pad|>"],
        "video_token_id": ids["<|video_pad|>"],
        "vision_start_token_id": ids["<|vision_start|>"],
        "vision_end_token_id": ids["<|vision_end|>"],
    }
    text: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": TINY_LAYERS,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": ids["<|im_end|>"],
    }
    if family == "qwen3-vl":
        text["head_dim"] = 16
        text["rope_parameters"] = {
            "rope_type": "default",
            "rope_theta": 5000000.0,
            "mrope_section": [2, 3, 3],
            "mrope_interleaved": True,
        }
        vision = {
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 4,
            "out_hidden_size": 64,
            "num_position_embeddings": 64,
            "deepstack_visual_indexes": [0],
            "patch_size": 16,
        }
        text, vision = _sized(text, vision, FULL["qwen3-vl"], std)
        config: Any = tf.Qwen3VLConfig(text_config=text, vision_config=vision, **special)
        model: Any = tf.Qwen3VLForConditionalGeneration
        patch, template, processor_class = 16, templates.QWEN3_VL, tf.Qwen3VLProcessor
        video: Any = tf.Qwen3VLVideoProcessor()
        # Qwen3-VL-2B-Instruct's preprocessor_config.json: a 256-4096 px area band over 32 px
        # tokens, mean and std 0.5 (not CLIP's).
        image_settings: dict[str, Any] = {
            "size": {"shortest_edge": 65536, "longest_edge": 16777216},
            "image_mean": [0.5, 0.5, 0.5],
            "image_std": [0.5, 0.5, 0.5],
        }
        # Its generation_config samples; the app decodes greedily regardless.
        sampling: dict[str, Any] = {"do_sample": True, "top_k": 20, "top_p": 0.8, "temperature": 0.7}
    else:
        text["rope_parameters"] = {
            "rope_type": "default",
            "rope_theta": 1000000.0,
            "mrope_section": [2, 3, 3],
        }
        vision = {
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 4,
            "out_hidden_size": 64,
            "fullatt_block_indexes": [1],
            "window_size": 56,
        }
        text, vision = _sized(text, vision, FULL["qwen2.5-vl"], std)
        config = tf.Qwen2_5_VLConfig(text_config=text, vision_config=vision, **special)
        model = tf.Qwen2_5_VLForConditionalGeneration
        patch, template, processor_class = 14, templates.QWEN2_VL, tf.Qwen2_5_VLProcessor  # type: ignore[assignment]
        video = tf.Qwen2VLVideoProcessor()
        # Qwen2.5-VL's preprocessor_config.json: Qwen2-VL's min/max_pixels and CLIP mean/std.
        image_settings = {"size": {"shortest_edge": 3136, "longest_edge": 12845056}}
        # Its generation_config keeps repetition_penalty 1.05, which greedy decoding applies too.
        sampling = {"do_sample": True, "repetition_penalty": 1.05, "temperature": 1e-06}
    image_processor = tf.Qwen2VLImageProcessor(patch_size=patch, merge_size=2, **image_settings)
    processor = processor_class(
        image_processor=image_processor, tokenizer=tokenizer, video_processor=video, chat_template=template
    )
    generation = {
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
        "pad_token_id": ids["<|endoftext|>"],
        **sampling,
    }
    return _save(folder, model, config, processor, generation, std, seed)


def _paddleocr_vl(folder: Path, std: float, seed: int, template: str) -> Path:
    """PaddleOCR-VL or 1.5: one architecture and tokenizer; 1.5 changed the chat template."""
    import transformers as tf
    from transformers.models.paddleocr_vl import PaddleOCRVLImageProcessor, PaddleOCRVLProcessor

    tokenizer, ids = _tokenizer(
        PADDLE_TOKENS,
        eos_token="</s>",
        pad_token="<unk>",
        bos_token="<s>",
        image_token="<|IMAGE_PLACEHOLDER|>",
    )
    text: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": TINY_LAYERS,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "pad_token_id": ids["<unk>"],
        "bos_token_id": ids["<s>"],
        "eos_token_id": ids["</s>"],
        "rope_parameters": {"rope_type": "default", "rope_theta": 500000.0, "mrope_section": [2, 3, 3]},
    }
    vision = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4}
    text, vision = _sized(text, vision, FULL["paddleocr-vl"], std)
    config = tf.PaddleOCRVLConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=ids["<|IMAGE_PLACEHOLDER|>"],
        video_token_id=ids["<|VIDEO_PLACEHOLDER|>"],
        vision_start_token_id=ids["<|IMAGE_START|>"],
        vision_end_token_id=ids["<|IMAGE_END|>"],
    )
    model = tf.PaddleOCRVLForConditionalGeneration
    # The hub's preprocessor_config.json: 147384-2822400 px (384² to 1680²), mean and std 0.5.
    image_processor = PaddleOCRVLImageProcessor(
        min_pixels=147384, max_pixels=2822400, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5]
    )
    processor = PaddleOCRVLProcessor(
        image_processor=image_processor, tokenizer=tokenizer, chat_template=template
    )
    # The hub's generation_config.json turns the KV cache off (the app turns it back on).
    generation = {"eos_token_id": ids["</s>"], "pad_token_id": ids["<unk>"], "use_cache": False}
    return _save(folder, model, config, processor, generation, std, seed)


def _glm_ocr(folder: Path, std: float, seed: int) -> Path:
    import transformers as tf

    tokenizer, ids = _tokenizer(
        GLM_TOKENS, eos_token="<|endoftext|>", pad_token="<|endoftext|>", image_token="<|image|>"
    )
    text: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": TINY_LAYERS,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "eos_token_id": [ids["<|endoftext|>"], ids["<|user|>"]],
        "pad_token_id": ids["<|endoftext|>"],
        "rope_parameters": {
            "rope_type": "default",
            "rope_theta": 10000.0,
            "mrope_section": [2, 3, 3],
            "partial_rotary_factor": 1.0,
        },
    }
    vision = {
        "depth": 2,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_heads": 4,
        "out_hidden_size": 64,
        "image_size": 56,
    }
    text, vision = _sized(text, vision, FULL["glm-ocr"], std)
    config = tf.GlmOcrConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=ids["<|image|>"],
        video_token_id=ids["<|video|>"],
        image_start_token_id=ids["<|begin_of_image|>"],
        image_end_token_id=ids["<|end_of_image|>"],
        video_start_token_id=ids["<|begin_of_video|>"],
        video_end_token_id=ids["<|end_of_video|>"],
    )
    model = tf.GlmOcrForConditionalGeneration
    processor = tf.Glm46VProcessor(
        # The hub's preprocessor_config.json (Glm46VImageProcessor); its bounds count two frames.
        image_processor=tf.Glm46VImageProcessor(size={"shortest_edge": 12544, "longest_edge": 9633792}),
        tokenizer=tokenizer,
        video_processor=tf.Glm4vVideoProcessor(),
        chat_template=templates.GLM_OCR,
    )
    generation = {
        "do_sample": False,
        "eos_token_id": [ids["<|endoftext|>"], ids["<|user|>"]],
        "pad_token_id": ids["<|endoftext|>"],
    }
    return _save(folder, model, config, processor, generation, std, seed)


def _lighton_ocr(folder: Path, std: float, seed: int) -> Path:
    import transformers as tf

    tokenizer, ids = _tokenizer(
        LIGHTON_TOKENS,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        image_token="<|image_pad|>",
        image_break_token="<|vision_pad|>",
        image_end_token="<|vision_end|>",
    )
    vision = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "head_dim": 8,
        "image_size": 1540,
        "patch_size": 14,
    }
    text: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": TINY_LAYERS,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "eos_token_id": ids["<|im_end|>"],
    }
    text, vision = _sized(text, vision, FULL["lighton-ocr-2"], std)
    config = tf.LightOnOcrConfig(vision_config=vision, text_config=text, image_token_id=ids["<|image_pad|>"])
    model = tf.LightOnOcrForConditionalGeneration
    # The hub's preprocessor_config.json: Pixtral's, 14 px patches up to a 1540 px longest edge,
    # CLIP's mean and std (written out rather than left to the class defaults).
    clip_mean, clip_std = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]
    processor = tf.LightOnOcrProcessor(
        image_processor=tf.PixtralImageProcessor(
            patch_size={"height": 14, "width": 14},
            size={"longest_edge": 1540},
            image_mean=clip_mean,
            image_std=clip_std,
        ),
        tokenizer=tokenizer,
        patch_size=14,
        spatial_merge_size=2,
        chat_template=templates.LIGHTON_OCR,
    )
    # The hub's generation_config.json ends on <|im_end|> or <|endoftext|> (config.json names
    # only the first) and samples at 0.2; the app decodes greedily regardless.
    generation = {
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
        "pad_token_id": ids["<|endoftext|>"],
        "do_sample": True,
        "temperature": 0.2,
        "top_k": 0,
        "top_p": 0.9,
    }
    return _save(folder, model, config, processor, generation, std, seed)


BUILDERS: dict[str, Callable[[Path, float, int], Path]] = {
    "qwen2.5-vl": lambda folder, std, seed: _qwen_like(folder, "qwen2.5-vl", std, seed),
    "qwen3-vl": lambda folder, std, seed: _qwen_like(folder, "qwen3-vl", std, seed),
    "paddleocr-vl": lambda folder, std, seed: _paddleocr_vl(folder, std, seed, templates.PADDLEOCR_VL),
    "paddleocr-vl-1.5": lambda folder, std, seed: _paddleocr_vl(
        folder, std, seed, templates.PADDLEOCR_VL_1_5
    ),
    "glm-ocr": _glm_ocr,
    "lighton-ocr-2": _lighton_ocr,
}


def build_family_checkpoint(
    folder: str | Path, family: str, *, size: str = "tiny", std: float = 0.3, seed: int = 0
) -> Path:
    """Write a random-weight checkpoint of `family` (a profile key): tiny, or "full" (real size)."""
    if family == "qwen2-vl":
        from .checkpoint import build_checkpoint

        return build_checkpoint(folder, "hub", size="full" if size == "full" else "tiny", std=std, seed=seed)
    if size == "full":
        std = 0.0
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return BUILDERS[family](folder, std, seed)
