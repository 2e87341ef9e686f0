"""Detect a model stuck repeating itself."""

from __future__ import annotations

from collections.abc import Sequence

# A cycle of up to MAX_PERIOD tokens repeated over the last MIN_SPAN tokens is a runaway.
# Legit OCR repeats too (table rules, dot leaders, zero matrices), but rarely over 200
# tokens with a period this short.
MAX_PERIOD = 40
MIN_SPAN = 200
MIN_REPEATS = 4


def is_runaway(tokens: Sequence[int], max_period: int = MAX_PERIOD, min_span: int = MIN_SPAN) -> bool:
    """True when the tail of `tokens` is one short cycle repeated over `min_span` tokens."""
    if len(tokens) < min_span:
        return False
    tail = list(tokens[-min_span:])
    for period in range(1, max_period + 1):
        if min_span // period < MIN_REPEATS:
            break
        if all(tail[i] == tail[i - period] for i in range(period, min_span)):
            return True
    return False
