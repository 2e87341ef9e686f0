"""The pages of an answer and how they are joined into one Markdown text under page markers.

Shared by documents (which make pages), the history (which stores them) and the exports: it
depends on nothing but the engine's stats, so none of those has to depend on another for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .engine.stats import GenerationStats


@dataclass(frozen=True)
class PageResult:
    """One page's answer; `page` is None for a plain image (a document of one page, unmarked)."""

    file: str
    page: int | None
    text: str
    stats: GenerationStats | None = None
    # The generated tokens (engine.confidence.TokenInfo) that spell `text`, for its uncertain
    # marks; () where there are none (a failed page, a backend without probabilities).
    tokens: tuple[Any, ...] = ()

    def stats_dict(self) -> dict[str, object] | None:
        return None if self.stats is None else self.stats.to_json()


def page_marker(number: int) -> str:
    """The line above each page's text: a bold "Page N" paragraph (not a heading, see join)."""
    return f"**Page {number}**"


def is_page_marker(line: str) -> bool:
    """Whether a (stripped) line is a page marker that join_markdown wrote."""
    return line.startswith("**Page ") and line.endswith("**") and line[7:-2].isdigit()


def join_markdown(pages: Sequence[PageResult]) -> str:
    """The pages in order, each under its marker, separated by a horizontal rule.

    `---` between blank lines is a thematic break in every Markdown renderer (and cannot turn
    the line above into a setext heading); the bold "Page N" is visible in the pane, a
    browser and plain text, and, unlike a heading, does not shift the page's own headings.
    """
    return _joined(pages)[0]


def page_text_offsets(pages: Sequence[PageResult]) -> list[int]:
    """Where each page's `text` would start in join_markdown(pages): a character of the page's
    text at i is at offset + i there (its leading and trailing newlines are not joined)."""
    return _joined(pages)[1]


def _joined(pages: Sequence[PageResult]) -> tuple[str, list[int]]:
    parts: list[str] = []
    offsets: list[int] = []
    position = 0
    for index, result in enumerate(pages):
        body = result.text.strip("\n")
        lead = len(result.text) - len(result.text.lstrip("\n"))
        head = ""
        if result.page is not None:
            head = f"{'---' + chr(10) + chr(10) if index else ''}{page_marker(result.page)}\n\n"
        if index:
            position += 2  # the blank line between parts
        offsets.append(position + len(head) - lead)
        parts.append(head + body)
        position += len(head) + len(body)
    return "\n\n".join(parts).rstrip("\n") + "\n", offsets
