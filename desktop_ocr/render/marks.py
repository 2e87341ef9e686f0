"""Low-confidence spans of an answer, and how they travel through Markdown to pane HTML.

Private-use sentinels are put around each span in the source before Markdown rendering
(they pass through markdown-it as ordinary characters) and turned into HTML after it;
formulas strip them from their LaTeX and are marked whole. Sentinels only ever exist inside
the pane's render: the copy formats work from the answer text, which never holds them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

# A proofreader wants few marks, each worth a look: under 0.5 the model preferred this
# token less than all others together, i.e. it was more likely wrong than right.
DEFAULT_UNCERTAIN_BELOW = 0.5

OPEN = "\ue000"  # followed by one character U+F0000 + span index
CLOSE = "\ue001"
INDEX_BASE = 0xF0000
SENTINELS = re.compile("[\ue000\ue001\U000f0000-\U000ffffd]")
_OPEN_INDEX = re.compile("\ue000([\U000f0000-\U000ffffd])")
MARK_ANCHOR = "uncertain-"


class _Token(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def p(self) -> float: ...
    @property
    def alternatives(self) -> Sequence[object]: ...


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the answer text; p is the least sure token's probability."""

    start: int
    end: int
    p: float
    alternatives: tuple[tuple[str, float], ...] = field(default=())

    def tooltip(self) -> str:
        lines = [f"p = {self.p:.2f}"]
        lines += [f"{text!r}: {p:.2f}" for text, p in self.alternatives]
        return "\n".join(lines)


def uncertain_spans(tokens: Iterable[_Token], below: float) -> list[Span]:
    """One span per run of tokens with p < below (joined across spaces), trimmed, split at lines."""
    spans: list[Span] = []
    text = ""
    for token in tokens:
        start = len(text)
        text += token.text
        if token.p >= below or not token.text.strip():
            continue
        alternatives = tuple(
            (str(getattr(a, "text", "")), float(getattr(a, "p", 0.0))) for a in token.alternatives
        )
        for piece_start, piece_end in _pieces(token.text, start):
            last = spans[-1] if spans else None
            if last is not None and not text[last.end : piece_start].strip(" \t"):
                keep = alternatives if token.p < last.p else last.alternatives
                spans[-1] = Span(last.start, piece_end, min(last.p, token.p), keep)
            else:
                spans.append(Span(piece_start, piece_end, token.p, alternatives))
    return spans


def _pieces(text: str, offset: int) -> list[tuple[int, int]]:
    """The non-blank stretch of each line of `text`, as offsets into the answer."""
    pieces = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if line.strip():
            start = offset + match.start()
            pieces.append((start + len(line) - len(line.lstrip()), start + len(line.rstrip())))
    return pieces


# Block syntax at a line's start: quote markers, then a list item, heading or table-row pipe.
# A sentinel in front of any of it would make the line a paragraph, so marks start after it.
_BLOCK_PREFIX = re.compile(
    r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[-+*](?:[ \t]+|$)|\d{1,9}[.)](?:[ \t]+|$)|#{1,6}(?:[ \t]+|$)|\|[ \t]*)?"
)
# Lines that are syntax only (fences, rules, setext underlines, table delimiter rows): no mark.
_SYNTAX_LINE = re.compile(
    r"[ \t]*(?:>[ \t]?)*[ \t]*(?:`{3,}.*|~{3,}.*|([-*_])(?:[ \t]*\1){2,}[ \t]*|=+[ \t]*|-+[ \t]*"
    r"|\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?)"
)
_WORD = re.compile(r"[^\s|]+")


def _placements(text: str, span: Span) -> list[tuple[int, int]]:
    """Where a span's sentinels go: its characters minus line-start block syntax and table pipes.

    A span that is only block syntax (an uncertain "#", "-", "1.", ">" or "|") marks the first
    word of the line's content instead; one on a syntax-only line is not marked in the pane.
    """
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    if _SYNTAX_LINE.fullmatch(line):
        return []
    prefix = _BLOCK_PREFIX.match(line)
    content = line_start + (prefix.end() if prefix else 0)
    start = max(span.start, content)
    # Each table cell gets its own pair: a pair around a "|" would straddle two cells.
    pieces = [(start + m.start(), start + m.end()) for m in re.finditer(r"[^|]+", text[start : span.end])]
    pieces = [
        (a + len(text[a:b]) - len(text[a:b].lstrip()), b - len(text[a:b]) + len(text[a:b].rstrip()))
        for a, b in pieces
    ]
    pieces = [(a, b) for a, b in pieces if a < b]
    if pieces:
        return pieces
    word = _WORD.search(text, max(span.end, content), line_end)
    return [(word.start(), word.end())] if word else []


def with_sentinels(text: str, spans: Sequence[Span]) -> str:
    """`text` with each span wrapped in OPEN+index … CLOSE (per table cell, after block syntax)."""
    placements = sorted(
        (start, end, index) for index, span in enumerate(spans) for start, end in _placements(text, span)
    )
    parts: list[str] = []
    last = 0
    for start, end, index in placements:
        if start < last:
            continue  # moved onto a word another span already marks
        parts += [text[last:start], OPEN + chr(INDEX_BASE + index), text[start:end], CLOSE]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def strip_sentinels(text: str) -> tuple[str, list[int]]:
    """`text` without sentinels, and the span indices that opened inside it."""
    indices = [ord(match.group(1)) - INDEX_BASE for match in _OPEN_INDEX.finditer(text)]
    return SENTINELS.sub("", text), indices


def sentinels_to_html(body: str, spans: Sequence[Span]) -> str:
    """Turn the sentinels left in rendered HTML into marked, titled spans (the pane styles them)."""

    def opening(match: re.Match[str]) -> str:
        index = ord(match.group(1)) - INDEX_BASE
        title = html.escape(spans[index].tooltip(), quote=True) if index < len(spans) else ""
        return f'<a name="{MARK_ANCHOR}{index}" title="{title}">'

    body = _OPEN_INDEX.sub(opening, body)
    return SENTINELS.sub("", body.replace(CLOSE, "</a>"))
