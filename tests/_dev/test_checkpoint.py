"""The random-weight checkpoint builder's real-size writer (run here on the tiny dimensions)."""

from __future__ import annotations

from pathlib import Path

from desktop_ocr._dev.checkpoint import (
    TINY_TEXT,
    TINY_VISION,
    _native_config,
    _special_ids,
    _write_full_random,
    train_tokenizer,
)


def test_full_random_writer_gives_every_norm_a_unit_scale(tmp_path: Path) -> None:
    """A zero scale in the merger's LayerNorm (`ln_q`, which no name rule caught) made every
    image's embeddings zero, so the bench model answered all images alike and OpenVINO's prefix
    cache served one image's prefill to the next."""
    import torch
    from safetensors.torch import load_file
    from transformers import Qwen2VLForConditionalGeneration

    tokenizer = train_tokenizer()
    config = _native_config(_special_ids(tokenizer), tokenizer.get_vocab_size(), TINY_TEXT, TINY_VISION)
    _write_full_random(tmp_path, config, "native", seed=0)
    state: dict[str, torch.Tensor] = {}
    for shard in sorted(tmp_path.glob("*.safetensors")):
        state.update(load_file(str(shard)))
    with torch.device("meta"):
        model = Qwen2VLForConditionalGeneration(config)
    norms = [name for name, module in model.named_modules() if isinstance(module, torch.nn.LayerNorm)]
    assert any(name.endswith("merger.ln_q") for name in norms)
    vectors = [name for name, tensor in state.items() if tensor.dim() == 1 and name.endswith(".weight")]
    assert vectors and any("ln_q" in name for name in vectors)
    for name in vectors:  # in Qwen2-VL every 1-D weight is a norm's scale
        assert bool((state[name] == 1).all()), name
