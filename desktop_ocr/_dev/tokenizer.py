"""A small byte-level BPE tokenizer with Qwen2's pre-tokenizer, trained on the spot (no download)."""

from __future__ import annotations

import random
from typing import Any

from ..engine.tokens import QWEN_SPECIAL_TOKENS

# Qwen2's pre-tokenizer split (its tokenizer.json), so words and digits split as the real one does.
QWEN2_SPLIT_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

_CORPUS_TEXT = (
    "the quick brown fox jumps over lazy dog invoice total amount date name page table "
    "figure equation theorem proof let be a function such that for all where and or not "
    "with from into this that which integral sum limit matrix vector value result text "
    "line column row header footer chapter section summary abstract introduction OCR"
)
_CORPUS_LATEX = (
    r"\frac{a}{b} \sqrt{x^2+y^2} \sum_{i=1}^{n} i^2 \int_0^1 f(x)\,dx \alpha \beta \gamma "
    r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix} \mathbb{R} \mathcal{O}(n) \left( x \right) "
    r"\lim_{x \to 0} \frac{\sin x}{x} = 1 e^{i\pi} + 1 = 0 | a | b | --- | $x$ $$y$$"
)


def _corpus(seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(400):
        words = rng.choices(_CORPUS_TEXT.split(), k=rng.randint(3, 12))
        number = str(rng.randint(0, 99999))
        lines.append(" ".join(words) + f" {number}.")
    lines.extend([_CORPUS_LATEX] * 20)
    lines.append("Ünïcödé 数学 公式 — “quotes” ±×÷ ≤≥ ∞")
    return lines


def train_tokenizer(vocab_size: int = 420) -> Any:
    """A byte-level BPE with Qwen2's pre-tokenizer and its 14 special tokens appended."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_SPLIT_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(_corpus(), trainer=trainer)
    tokenizer.add_special_tokens(list(QWEN_SPECIAL_TOKENS))
    return tokenizer
