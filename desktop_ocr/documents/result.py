"""A recognised document: its pages' answers in order, joined, and written as md, txt, html or jsonl."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ..engine.stats import GenerationStats

FORMATS = ("md", "txt", "html", "jsonl")


@dataclass(frozen=True)
class PageResult:
    """One page's answer; `page` is None for a plain image (a document of one page, unmarked)."""

    file: str
    page: int | None
    text: str
    stats: GenerationStats | None = None

    def stats_dict(self) -> dict[str, object] | None:
        if self.stats is None:
            return None
        data = asdict(self.stats)
        data["stop_reason"] = self.stats.stop_reason.value
        data["tokens_per_second"] = self.stats.tokens_per_second
        return data


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
    parts: list[str] = []
    for index, result in enumerate(pages):
        body = result.text.strip("\n")
        if result.page is None:
            parts.append(body)
        else:
            parts.append(f"{'---' + chr(10) + chr(10) if index else ''}{page_marker(result.page)}\n\n{body}")
    return "\n\n".join(parts).rstrip("\n") + "\n"


def join_plain_text(pages: Sequence[PageResult]) -> str:
    """Plain text (formulas as $TeX$), pages under a `===== Page N =====` line."""
    from ..render.export import to_plain_text

    parts: list[str] = []
    for result in pages:
        body = to_plain_text(result.text).strip("\n")
        parts.append(body if result.page is None else f"===== Page {result.page} =====\n\n{body}")
    return "\n\n".join(parts).rstrip("\n") + "\n"


def to_jsonl(pages: Sequence[PageResult]) -> str:
    """One JSON object a line: file, page, text, stats."""
    return "".join(
        json.dumps(
            {"file": result.file, "page": result.page, "text": result.text, "stats": result.stats_dict()},
            ensure_ascii=False,
        )
        + "\n"
        for result in pages
    )


def format_of(path: str | Path) -> str:
    """The export format a file name asks for; ValueError names the ones there are."""
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = {"markdown": "md", "htm": "html", "text": "txt"}.get(suffix, suffix)
    if suffix not in FORMATS:
        raise ValueError(
            f"{path}: cannot tell the format from the extension (use .md, .txt, .html or .jsonl)"
        )
    return suffix


def render_document(pages: Sequence[PageResult], fmt: str, title: str = "desktop-ocr") -> str:
    """The document's text in one of FORMATS."""
    if fmt == "md":
        return join_markdown(pages)
    if fmt == "txt":
        return join_plain_text(pages)
    if fmt == "html":
        from ..render.html_export import standalone_html

        return standalone_html(join_markdown(pages), title)
    if fmt == "jsonl":
        return to_jsonl(pages)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def write_document(path: str | Path, pages: Sequence[PageResult], fmt: str | None = None) -> None:
    """Write atomically (a temporary file renamed over), so a failure never leaves half a file."""
    path = Path(path)
    fmt = fmt or format_of(path)
    text = render_document(pages, fmt, title=pages[0].file if pages else path.stem)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
