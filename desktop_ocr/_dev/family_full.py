"""Real-size random-weight checkpoints of the families (for bench/speed.py's family table).

The dimensions are the released checkpoints' config.json values; the weights are random bf16,
written shard by shard from the meta-device model's shapes without building the model, as
checkpoint.py does for Qwen2-VL-2B.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .checkpoint import write_random_weights

# The released checkpoints' dimensions (their config.json), for real-size random checkpoints.
FULL: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "qwen2.5-vl": (  # Qwen2.5-VL-3B-Instruct
        {
            "vocab_size": 151936,
            "hidden_size": 2048,
            "intermediate_size": 11008,
            "num_hidden_layers": 36,
            "num_attention_heads": 16,
            "num_key_value_heads": 2,
            "tie_word_embeddings": True,
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 1000000.0,
                "mrope_section": [16, 24, 24],
            },
        },
        {
            "depth": 32,
            "hidden_size": 1280,
            "intermediate_size": 3420,
            "num_heads": 16,
            "out_hidden_size": 2048,
            "fullatt_block_indexes": [7, 15, 23, 31],
            "window_size": 112,
        },
    ),
    "qwen3-vl": (  # Qwen3-VL-2B-Instruct
        {
            "vocab_size": 151936,
            "hidden_size": 2048,
            "intermediate_size": 6144,
            "num_hidden_layers": 28,
            "num_attention_heads": 16,
            "num_key_value_heads": 8,
            "head_dim": 128,
            "tie_word_embeddings": True,
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 5000000.0,
                "mrope_section": [24, 20, 20],
                "mrope_interleaved": True,
            },
        },
        {
            "depth": 24,
            "hidden_size": 1024,
            "intermediate_size": 4096,
            "num_heads": 16,
            "out_hidden_size": 2048,
            "num_position_embeddings": 2304,
            "deepstack_visual_indexes": [5, 11, 17],
            "patch_size": 16,
        },
    ),
    "paddleocr-vl": (  # PaddleOCR-VL (ERNIE-4.5-0.3B + NaViT): the config classes' defaults
        {
            "vocab_size": 103424,
            "hidden_size": 1024,
            "intermediate_size": 3072,
            "num_hidden_layers": 18,
            "num_attention_heads": 16,
            "num_key_value_heads": 2,
            "head_dim": 128,
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 500000.0,
                "mrope_section": [16, 24, 24],
            },
        },
        {"hidden_size": 1152, "intermediate_size": 4304, "num_hidden_layers": 27, "num_attention_heads": 16},
    ),
    "glm-ocr": (  # GLM-OCR (zai-org/GLM-OCR: a GLM-0.5B decoder and CogViT)
        {
            "vocab_size": 59392,
            "hidden_size": 1536,
            "intermediate_size": 4608,
            "num_hidden_layers": 16,
            "num_attention_heads": 16,
            "num_key_value_heads": 8,
            "head_dim": 128,
            "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [16, 24, 24]},
        },
        {
            "depth": 24,
            "hidden_size": 1024,
            "intermediate_size": 4096,
            "num_heads": 16,
            "out_hidden_size": 1536,
            "patch_size": 14,
            "image_size": 336,
        },
    ),
    "lighton-ocr-2": (  # LightOnOCR-2-1B's config.json (Pixtral + Qwen3)
        {
            "vocab_size": 151936,
            "hidden_size": 1024,
            "intermediate_size": 3072,
            "num_hidden_layers": 28,
            "num_attention_heads": 16,
            "num_key_value_heads": 8,
            "head_dim": 128,
            "tie_word_embeddings": True,
        },
        {
            "hidden_size": 1024,
            "intermediate_size": 8192,
            "num_hidden_layers": 24,
            "num_attention_heads": 16,
            "head_dim": 64,
            "patch_size": 14,
            "image_size": 1540,
        },
    ),
}


def sized(
    text: dict[str, Any], vision: dict[str, Any], full: tuple[dict[str, Any], dict[str, Any]], std: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The tiny dimensions, or (std 0: a real-size checkpoint) the released ones over them."""
    if std > 0:
        return text, vision
    return {**text, **full[0]}, {**vision, **full[1]}


def write_full_random(folder: Path, model_class: Any, config: Any, seed: int) -> None:
    """config.json and random bf16 safetensors shards (with their index) for `model_class`."""
    write_random_weights(folder, model_class, config, seed)


def is_complete(folder: Path) -> bool:
    """A real-size checkpoint finished writing: its index and processor are both there."""
    processor = ("processor_config.json", "preprocessor_config.json")
    return (folder / "model.safetensors.index.json").is_file() and any(
        (folder / name).is_file() for name in processor
    )
