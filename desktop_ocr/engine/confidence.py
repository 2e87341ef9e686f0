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


# Vocabularies at least this large find their top tokens through chunk maxima (see _top).
CHUNKED_TOP_MIN_VOCAB = 8192
TOP_CHUNK = 128


class ProbabilityRecorder:
    """Reads the lm_head's output (the raw logits) and keeps, per step, a handful of numbers.

    A forward hook on lm_head sees the logits before generate's processors (the repetition
    penalty). Per step it runs one softmax and one max pass (the chunk maxima) over the
    vocabulary and keeps a few numbers on the model's device, moved to the CPU once at the
    end, so decoding never waits on them. torch.topk and torch.logsumexp over a
    151,936-token row cost several times more on a CPU (bench/confidence_overhead.py).
    """

    def __init__(self, k: int = ALTERNATIVES) -> None:
        self.k = k
        # Logits of the steps not yet handed to on_token: one on CPU/CUDA; on MPS generate
        # streams one step behind (DeferredStopCheck), so two, the extra one never claimed.
        self._pending: deque[torch.Tensor] = deque(maxlen=4)
        # Per step: p of the chosen token (1), p of the top k + 1 tokens and their ids. Small
        # copies only: a view would keep the step's whole logits row alive.
        self._steps: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
        self.ids: list[int] = []

    def hook(self, _module: Any, _args: Any, output: torch.Tensor) -> None:
        self._pending.append(output[:, -1, :])

    def on_token(self, token_id: int) -> None:
        import torch

        if not self._pending:
            return
        row = self._pending.popleft()[0]
        # One fused softmax (float32: half-precision sums lose the 1e-4 the marks need) is
        # cheaper on a CPU than logsumexp's separate max, subtract, exp and sum passes.
        probabilities = torch.softmax(row, dim=0, dtype=torch.float32)
        indices = _top_indices(row, self.k + 1)
        chosen = probabilities[token_id : token_id + 1].clone()
        self._steps.append((chosen, probabilities.index_select(0, indices), indices))
        self.ids.append(token_id)

    def tokens(self, texts: Sequence[str], alt_text: Callable[[int], str]) -> list[TokenInfo]:
        """The recorded steps as TokenInfo, the first len(texts) of them."""
        import torch

        if not self._steps:
            return []
        chosen, top, indices = (
            torch.cat(part).view(len(self._steps), -1) for part in zip(*self._steps, strict=True)
        )
        chosen_p, top_p, top_ids = chosen.cpu().tolist(), top.cpu().tolist(), indices.cpu().tolist()
        result = []
        for token_id, text, (p,), probabilities, ids in zip(
            self.ids, texts, chosen_p, top_p, top_ids, strict=False
        ):
            alternatives = tuple(
                Alternative(alt_id, alt_text(alt_id), alt_p)
                for alt_id, alt_p in zip(ids, probabilities, strict=True)
                if alt_id != token_id
            )[: self.k]
            result.append(TokenInfo(token_id, text, p, alternatives))
        return result


def _top_indices(row: torch.Tensor, k: int) -> torch.Tensor:
    """torch.topk(row, k).indices, cheaply for a large vocabulary.

    The row is cut into chunks of TOP_CHUNK; the top k entries lie in the k chunks with the
    largest maxima (an entry outside them is below k chunk maxima), so one max pass over the
    row and a topk over k * TOP_CHUNK candidates replace a topk over the whole row, which
    on a CPU copies and partially sorts every (value, index) pair.
    """
    import torch

    size = row.shape[0]
    if size < CHUNKED_TOP_MIN_VOCAB or size % TOP_CHUNK:
        return torch.topk(row, k).indices
    chunks = row.view(-1, TOP_CHUNK)
    best = torch.topk(chunks.amax(dim=1), k).indices
    positions = torch.topk(chunks.index_select(0, best).view(-1), k).indices
    return best.index_select(0, positions // TOP_CHUNK) * TOP_CHUNK + positions % TOP_CHUNK


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
