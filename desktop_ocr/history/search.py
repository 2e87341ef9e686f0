"""Turning what the user types into a safe FTS5 query, and search snippets into bold HTML."""

from __future__ import annotations

import html
import re

# Snippet markers: control characters no OCR answer contains; the UI turns them into bold.
MATCH_START = "\x02"
MATCH_END = "\x03"
ELLIPSIS = "…"

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Each typed word as a quoted prefix term, all required: `"inv"* "2024"*`.

    Only runs of letters and digits are kept, so quotes, `*`, `-`, `:`, parentheses, AND/OR/NOT/NEAR
    typed by the user are words or separators, never FTS5 syntax. Empty when nothing is left.
    """
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))


def snippet_html(snippet: str) -> str:
    """A snippet as HTML: escaped text with each match in <b>…</b>."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(MATCH_START, "<b>").replace(MATCH_END, "</b>")


def snippet_plain(snippet: str) -> str:
    return snippet.replace(MATCH_START, "").replace(MATCH_END, "")
