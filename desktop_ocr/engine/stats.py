"""What one generation cost, for the status bar and --verbose."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any


class StopReason(str, Enum):
    END = "end"  # the model finished its answer
    MAX_TOKENS = "max_new_tokens"
    REPETITION = "repetition"
    CANCELLED = "cancelled"


@dataclass
class GenerationStats:
    original_size: tuple[int, int] = (0, 0)
    resized_size: tuple[int, int] = (0, 0)
    visual_tokens: int = 0
    prompt_tokens: int = 0
    new_tokens: int = 0
    time_to_first_token: float | None = None
    total_time: float = 0.0
    stop_reason: StopReason = StopReason.END

    @property
    def tokens_per_second(self) -> float | None:
        """Decode speed after the first token."""
        if self.time_to_first_token is None or self.new_tokens < 2:
            return None
        decode_time = self.total_time - self.time_to_first_token
        return (self.new_tokens - 1) / decode_time if decode_time > 0 else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data, with the stop reason's value and tokens/s (the history and -o .jsonl)."""
        data = asdict(self)
        data["stop_reason"] = self.stop_reason.value
        data["tokens_per_second"] = self.tokens_per_second
        return data

    def summary(self) -> str:
        ttft = f"{self.time_to_first_token:.2f} s" if self.time_to_first_token is not None else "-"
        speed = f"{self.tokens_per_second:.1f} tok/s" if self.tokens_per_second else "-"
        (ow, oh), (rw, rh) = self.original_size, self.resized_size
        return (
            f"image {ow}×{oh} → {rw}×{rh} ({self.visual_tokens} visual tokens), "
            f"{self.prompt_tokens} prompt tokens, {self.new_tokens} new tokens, "
            f"first token {ttft}, {speed}, total {self.total_time:.2f} s, "
            f"stop: {self.stop_reason.value}"
        )
