"""A recognised document written as md, txt, html or jsonl (every export of documents lives in render/)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from ..pages import PageResult, join_markdown

FORMATS = ("md", "txt", "html", "jsonl")


def join_plain_text(pages: Sequence[PageResult]) -> str:
    """Plain text (formulas as $TeX$), pages under a `===== Page N =====` line."""
    from .export import to_plain_text

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
        from .html_export import standalone_html

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
