"""Build random-weight Qwen2-VL checkpoints offline, for tests and benchmarks.

Two file layouts are written, because users meet both:
- ``hub``: what the hub repo of the default model holds (a transformers 4.4x save): a flat
  config.json with ``rope_scaling {"type": "mrope"}``, vocab.json/merges.txt, a separate
  chat_template.json, and safetensors with the 4.4x key names (``model.layers.*``, ``visual.*``).
- ``native``: a transformers 5 ``save_pretrained`` folder.

Nothing here downloads anything; the tokenizer is trained on the spot with ``tokenizers``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from ..engine.tokens import QWEN_SPECIAL_TOKENS
from .tokenizer import train_tokenizer

Layout = Literal["hub", "native"]


# Qwen2-VL's chat template, as shipped in the hub repo's chat_template.json.
CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}"
    "{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}"
    "Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}"
    "Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# Qwen2-VL-2B-Instruct's dimensions, as in its config.json.
FULL_TEXT: dict[str, Any] = {
    "hidden_size": 1536,
    "intermediate_size": 8960,
    "num_hidden_layers": 28,
    "num_attention_heads": 12,
    "num_key_value_heads": 2,
    "vocab_size": 151936,
    "mrope_section": [16, 24, 24],
}
FULL_VISION: dict[str, Any] = {"depth": 32, "embed_dim": 1280, "num_heads": 16, "mlp_ratio": 4}

TINY_TEXT: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "mrope_section": [2, 3, 3],  # sums to head_dim / 2 = 8
}
TINY_VISION: dict[str, Any] = {"depth": 2, "embed_dim": 32, "num_heads": 4, "mlp_ratio": 2}

PREPROCESSOR_CONFIG: dict[str, Any] = {
    "min_pixels": 3136,
    "max_pixels": 12845056,
    "patch_size": 14,
    "temporal_patch_size": 2,
    "merge_size": 2,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "image_processor_type": "Qwen2VLImageProcessor",
    "processor_class": "Qwen2VLProcessor",
}

# The shipped generation_config of Qwen2-VL-2B-Instruct (ids filled in per tokenizer).
GENERATION_CONFIG: dict[str, Any] = {
    "do_sample": True,
    "top_k": 1,
    "top_p": 0.001,
    "temperature": 0.1,
    "repetition_penalty": 1.05,
}


def _special_ids(tokenizer: Any) -> dict[str, int]:
    return {token: tokenizer.token_to_id(token) for token in QWEN_SPECIAL_TOKENS}


def _native_config(special: dict[str, int], vocab_size: int, text: dict, vision: dict) -> Any:
    from transformers import Qwen2VLConfig

    head_dim = text["hidden_size"] // text["num_attention_heads"]
    assert sum(text["mrope_section"]) * 2 == head_dim, "M-RoPE sections must sum to head_dim / 2"
    assert (vision["embed_dim"] // vision["num_heads"]) % 4 == 0, "vision head_dim must be % 4"
    text_config = {key: value for key, value in text.items() if key not in ("mrope_section", "vocab_size")}
    text_config.update(
        vocab_size=vocab_size,
        max_position_embeddings=32768,
        rms_norm_eps=1e-6,
        rope_parameters={
            "rope_type": "default",
            "rope_theta": 1000000.0,
            "mrope_section": list(text["mrope_section"]),
        },
        bos_token_id=special["<|endoftext|>"],
        eos_token_id=special["<|im_end|>"],
        tie_word_embeddings=False,
    )
    return Qwen2VLConfig(
        text_config=text_config,
        vision_config={
            "depth": vision["depth"],
            "embed_dim": vision["embed_dim"],
            "num_heads": vision["num_heads"],
            "mlp_ratio": vision["mlp_ratio"],
            "hidden_size": text["hidden_size"],
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
        image_token_id=special["<|image_pad|>"],
        video_token_id=special["<|video_pad|>"],
        vision_start_token_id=special["<|vision_start|>"],
        vision_end_token_id=special["<|vision_end|>"],
        tie_word_embeddings=False,
    )


def _hub_config(special: dict[str, int], vocab_size: int, text: dict, vision: dict) -> dict:
    """config.json as the 4.4x-era hub repo writes it: text fields at the top level."""
    return {
        "architectures": ["Qwen2VLForConditionalGeneration"],
        "model_type": "qwen2_vl",
        "attention_dropout": 0.0,
        "bos_token_id": special["<|endoftext|>"],
        "eos_token_id": special["<|im_end|>"],
        "vision_start_token_id": special["<|vision_start|>"],
        "vision_end_token_id": special["<|vision_end|>"],
        "vision_token_id": special["<|vision_pad|>"],
        "image_token_id": special["<|image_pad|>"],
        "video_token_id": special["<|video_pad|>"],
        "hidden_act": "silu",
        "hidden_size": text["hidden_size"],
        "initializer_range": 0.02,
        "intermediate_size": text["intermediate_size"],
        "max_position_embeddings": 32768,
        "max_window_layers": text["num_hidden_layers"],
        "num_attention_heads": text["num_attention_heads"],
        "num_hidden_layers": text["num_hidden_layers"],
        "num_key_value_heads": text["num_key_value_heads"],
        "rms_norm_eps": 1e-06,
        "rope_theta": 1000000.0,
        "sliding_window": 32768,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.45.0.dev0",
        "use_cache": True,
        "use_sliding_window": False,
        "vision_config": {
            "depth": vision["depth"],
            "embed_dim": vision["embed_dim"],
            "mlp_ratio": vision["mlp_ratio"],
            "num_heads": vision["num_heads"],
            "in_chans": 3,
            "hidden_size": text["hidden_size"],
            "patch_size": 14,
            "spatial_merge_size": 2,
            "spatial_patch_size": 14,
            "temporal_patch_size": 2,
        },
        "rope_scaling": {"type": "mrope", "mrope_section": list(text["mrope_section"])},
        "vocab_size": vocab_size,
    }


def _hub_key(native_key: str) -> str:
    """Map a transformers 5 parameter name to the 4.4x name the hub checkpoint uses."""
    if native_key.startswith("model.language_model."):
        return "model." + native_key[len("model.language_model.") :]
    if native_key.startswith("model.visual."):
        return native_key[len("model.") :]
    return native_key


def _widen_weights(model: Any, std: float, seed: int) -> None:
    """Redraw every matrix wider than the default init, so that answers depend on the image.

    With std 0.02 a tiny model emits the same tokens whatever the image, and every
    comparison between two outputs would pass vacuously.
    """
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _name, param in sorted(model.named_parameters()):
            if param.dim() >= 2:
                param.copy_(torch.randn(param.shape, generator=generator) * std)


def _tokenizer_files(tokenizer: Any, folder: Path, special: dict[str, int]) -> None:
    """vocab.json, merges.txt and tokenizer_config.json, as the hub repo has them."""
    tokenizer.model.save(str(folder))
    added = {
        str(token_id): {
            "content": token,
            "lstrip": False,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for token, token_id in special.items()
    }
    config = {
        "add_prefix_space": False,
        "added_tokens_decoder": added,
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "bos_token": None,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": 32768,
        "pad_token": "<|endoftext|>",
        "padding_side": "left",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2))


def build_checkpoint(
    folder: str | Path,
    layout: Layout = "native",
    *,
    size: Literal["tiny", "full"] = "tiny",
    std: float = 0.3,
    seed: int = 0,
) -> Path:
    """Write a random-weight Qwen2-VL checkpoint with a working tokenizer and processor."""
    import torch
    from safetensors.torch import save_file
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessor,
        Qwen2VLProcessor,
        Qwen2VLVideoProcessor,
    )

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer()
    special = _special_ids(tokenizer)
    text, vision = (TINY_TEXT, TINY_VISION) if size == "tiny" else (FULL_TEXT, FULL_VISION)
    vocab_size = text.get("vocab_size", tokenizer.get_vocab_size())
    config = _native_config(special, vocab_size, text, vision)
    generation = GenerationConfig(
        bos_token_id=special["<|endoftext|>"],
        eos_token_id=[special["<|im_end|>"], special["<|endoftext|>"]],
        pad_token_id=special["<|endoftext|>"],
        **GENERATION_CONFIG,
    )

    if size == "full":
        _write_full_random(folder, config, layout, seed)
    else:
        torch.manual_seed(seed)
        model = Qwen2VLForConditionalGeneration(config)
        _widen_weights(model, std, seed)
        model.generation_config = generation
        if layout == "native":
            model.save_pretrained(folder)
        else:
            state = {_hub_key(k): v.contiguous() for k, v in model.state_dict().items()}
            save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})

    if layout == "native":
        generation.save_pretrained(folder)
        fast = PreTrainedTokenizerFast(
            tokenizer_object=tokenizer,
            eos_token="<|im_end|>",
            pad_token="<|endoftext|>",
            unk_token=None,
        )
        processor = Qwen2VLProcessor(
            image_processor=Qwen2VLImageProcessor(
                min_pixels=PREPROCESSOR_CONFIG["min_pixels"],
                max_pixels=PREPROCESSOR_CONFIG["max_pixels"],
            ),
            tokenizer=fast,
            video_processor=Qwen2VLVideoProcessor(),
            chat_template=CHAT_TEMPLATE,
        )
        processor.save_pretrained(folder)
    else:
        hub = _hub_config(special, vocab_size, text, vision)
        (folder / "config.json").write_text(json.dumps(hub, indent=2))
        generation.save_pretrained(folder)
        _tokenizer_files(tokenizer, folder, special)
        (folder / "chat_template.json").write_text(json.dumps({"chat_template": CHAT_TEMPLATE}, indent=2))
        (folder / "preprocessor_config.json").write_text(json.dumps(PREPROCESSOR_CONFIG, indent=2))
    return folder


def _norm_scales(model: Any) -> set[str]:
    """State-dict names of every normalisation layer's scale, found by module type, not by name:
    the merger's LayerNorm is `ln_q`, and a zero scale there makes every image's embeddings zero
    (the OpenVINO prefix cache then serves one image's prefill to all of them)."""
    return {
        f"{module_name}.weight"
        for module_name, module in model.named_modules()
        if "norm" in type(module).__name__.lower() and getattr(module, "weight", None) is not None
    }


def _write_full_random(folder: Path, config: Any, layout: Layout, seed: int) -> None:
    """Real-size random Qwen2-VL weights in either file layout (see write_random_weights)."""
    from transformers import Qwen2VLForConditionalGeneration

    key = _hub_key if layout == "hub" else str
    write_random_weights(folder, Qwen2VLForConditionalGeneration, config, seed, key)


def write_random_weights(
    folder: Path, model_class: Any, config: Any, seed: int, key: Callable[[str], str] = str
) -> None:
    """config.json and random bf16 safetensors shards (with their index) for `model_class`,
    written shard by shard without building the model; `key` names each tensor in the files."""
    import torch
    from safetensors.torch import save_file

    with torch.device("meta"):
        meta_model = model_class(config)
    shapes = {name: tuple(p.shape) for name, p in meta_model.state_dict().items()}
    scales = _norm_scales(meta_model)
    config.dtype = torch.bfloat16
    config.save_pretrained(folder)
    generator = torch.Generator().manual_seed(seed)
    shard: dict[str, torch.Tensor] = {}
    shard_bytes = 0
    index: dict[str, str] = {}
    shard_number = 0

    def flush() -> None:
        nonlocal shard, shard_bytes, shard_number
        if not shard:
            return
        shard_number += 1
        name = f"model-{shard_number:05d}.safetensors"
        save_file(shard, str(folder / name), metadata={"format": "pt"})
        index.update(dict.fromkeys(shard, name))
        shard, shard_bytes = {}, 0

    for name, shape in shapes.items():
        if name in scales:
            tensor = torch.ones(shape, dtype=torch.bfloat16)
        elif len(shape) == 1:
            tensor = torch.zeros(shape, dtype=torch.bfloat16)
        else:
            std = 1.0 / (shape[-1] ** 0.5) if len(shape) == 2 else 0.02
            tensor = (torch.randn(shape, generator=generator) * std).to(torch.bfloat16)
        shard[key(name)] = tensor
        shard_bytes += tensor.numel() * 2
        if shard_bytes > 2_000_000_000:
            flush()
    flush()
    total = sum(int(torch.Size(s).numel()) * 2 for s in shapes.values())
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": index}, indent=2)
    )
