"""A stored turn's stats and per-token data read back, so a reopened record shows its stats and marks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...engine.confidence import TokenInfo
from ...engine.stats import GenerationStats, StopReason


def stored_stats(data: Mapping[str, Any]) -> GenerationStats | None:
    """The GenerationStats that history.stats_dict wrote (None for a turn recorded without any)."""
    if not data or "visual_tokens" not in data:
        return None
    try:
        return GenerationStats(
            original_size=tuple(data.get("original_size", (0, 0))),
            resized_size=tuple(data.get("resized_size", (0, 0))),
            visual_tokens=int(data.get("visual_tokens", 0)),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            new_tokens=int(data.get("new_tokens", 0)),
            time_to_first_token=data.get("time_to_first_token"),
            total_time=float(data.get("total_time", 0.0)),
            stop_reason=StopReason(data.get("stop_reason", StopReason.END.value)),
        )
    except (TypeError, ValueError):
        return None  # written by another version: no stats rather than no record


def stored_tokens(probabilities: Sequence[Any]) -> tuple[TokenInfo, ...]:
    """A turn's tokens (with their runner-ups) as recorded; () where they cannot be read."""
    try:
        return tuple(TokenInfo.from_json(entry) for entry in probabilities)
    except (KeyError, TypeError, ValueError):
        return ()
