"""Per-token probabilities: what the model was sure of, for the marks and `--format json`."""

from __future__ import annotations

import codecs
import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

# Runner-up tokens kept for the hover; a proofreader reads two or three, not a distribution.
ALTERNATIVES = 3


@dataclass(frozen=True)
class Alternative:
    id: int
    text: str
    p: float


@dataclass(frozen=True)
class TokenInfo:
    """One generated token: `p` is the softmax of the raw logits at the chosen token.

    `text` is the token's share of the answer: the texts of an answer's tokens joined equal
    the answer. A token that ends inside a UTF-8 character has text "" and the token that
    completes the character carries the whole character.
    """

    id: int
    text: str
    p: float
    alternatives: tuple[Alternative, ...] = field(default=())

    def to_json(self, *, alternatives: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "text": self.text, "p": round(self.p, 6)}
        if alternatives:
            data["alternatives"] = [
                {"id": a.id, "text": a.text, "p": round(a.p, 6)} for a in self.alternatives
            ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TokenInfo:
        alternatives = tuple(Alternative(a["id"], a["text"], a["p"]) for a in data.get("alternatives", ()))
        return cls(int(data["id"]), str(data["text"]), float(data["p"]), alternatives)


def token_texts(decode: Callable[[Sequence[int]], str], ids: Sequence[int], full_text: str) -> list[str]:
    """Each token's share of `full_text` (= decode(ids)), so that the shares join to it exactly.

    Decodes a sliding window (as TGI and vLLM's incremental detokenizers do): a token whose
    text ends in U+FFFD is an incomplete UTF-8 character and waits for the next token.
    """
    pieces: list[str] = []
    prefix, read = 0, 0
    for end in range(1, len(ids) + 1):
        before = decode(ids[prefix:read])
        after = decode(ids[prefix:end])
        if len(after) > len(before) and not after.endswith("\ufffd") and after.startswith(before):
            pieces.append(after[len(before) :])
            prefix, read = read, end
        else:
            pieces.append("")
    joined = "".join(pieces)
    if joined != full_text:
        # A tokenizer whose windows do not add up (or a trailing partial character): keep the
        # agreeing prefix and give the rest to the last token that has text, or the last one.
        total = 0
        for index, piece in enumerate(pieces):
            if not full_text.startswith(piece, total):
                pieces[index:] = [""] * (len(pieces) - index)
                break
            total += len(piece)
        if pieces:
            pieces[-1] += full_text[total:]
    return pieces


class ProbabilityRecorder:
    """Reads the lm_head's output (the raw logits) and keeps, per step, a handful of numbers.

    A forward hook on lm_head sees the logits before generate's processors (the repetition
    penalty); only the chosen token's log-probability and the top few are kept, on the
    model's device, and moved to the CPU once at the end, so decoding never waits on them.
    """

    def __init__(self, k: int = ALTERNATIVES) -> None:
        self.k = k
        # Logits of the steps not yet handed to on_token: one on CPU/CUDA; on MPS generate
        # streams one step behind (DeferredStopCheck), so two, the extra one never claimed.
        self._pending: deque[torch.Tensor] = deque(maxlen=4)
        self._steps: list[torch.Tensor] = []  # per step: [p_chosen, top p..., top ids...]
        self.ids: list[int] = []

    def hook(self, _module: Any, _args: Any, output: torch.Tensor) -> None:
        self._pending.append(output[:, -1, :])

    def on_token(self, token_id: int) -> None:
        import torch

        if not self._pending:
            return
        logits = self._pending.popleft()
        row = logits[0].float()
        logz = torch.logsumexp(row, dim=-1)
        top = torch.topk(row, self.k + 1)
        chosen = row[token_id : token_id + 1]
        values = torch.cat([chosen, top.values]).sub_(logz).exp_()
        self._steps.append(torch.cat([values, top.indices.to(values.dtype)]))
        self.ids.append(token_id)

    def tokens(self, texts: Sequence[str], alt_text: Callable[[int], str]) -> list[TokenInfo]:
        """The recorded steps as TokenInfo, the first len(texts) of them."""
        import torch

        if not self._steps:
            return []
        rows = torch.stack(self._steps).cpu().tolist()
        k = self.k + 1
        result = []
        for token_id, text, row in zip(self.ids, texts, rows, strict=False):
            probabilities, top_ids = row[1 : 1 + k], [int(i) for i in row[1 + k :]]
            alternatives = tuple(
                Alternative(alt_id, alt_text(alt_id), p)
                for alt_id, p in zip(top_ids, probabilities, strict=True)
                if alt_id != token_id
            )[: self.k]
            result.append(TokenInfo(token_id, text, row[0], alternatives))
        return result


class LogprobCollector:
    """Token data from an OpenAI-style stream's `choices[].logprobs.content` entries.

    A server gives no ids: `id` is -1. Texts come from each entry's `bytes` (through an
    incremental UTF-8 decoder, so a token ending inside a character carries "" and the one
    completing it the character) or else its `token` string. If they do not join to the
    answer (special tokens the server leaves in, say), there are no tokens: no marks beats
    misplaced marks.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._tokens: list[TokenInfo] = []

    def feed(self, logprobs: Any) -> None:
        for entry in getattr(logprobs, "content", None) or []:
            raw = getattr(entry, "bytes", None)
            text = self._decoder.decode(bytes(raw)) if raw is not None else str(entry.token)
            alternatives = tuple(
                Alternative(-1, str(top.token), math.exp(top.logprob))
                for top in getattr(entry, "top_logprobs", None) or []
                if top.token != entry.token
            )[:ALTERNATIVES]
            self._tokens.append(TokenInfo(-1, text, math.exp(entry.logprob), alternatives))

    def tokens(self, answer: str) -> tuple[TokenInfo, ...]:
        if "".join(token.text for token in self._tokens) != answer:
            return ()
        return tuple(self._tokens)
