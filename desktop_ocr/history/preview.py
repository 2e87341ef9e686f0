"""A history row's preview: the answer's first words, without Markdown syntax or formula delimiters."""

from __future__ import annotations

import re

from ..pages import is_page_marker

# Line starts that are Markdown syntax: headings, quotes, list bullets and numbers, table pipes.
_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+|\|)+")
# Emphasis and code markers, and the delimiters of formulas ($$, $, \( \), \[ \]).
_MARKS = re.compile(r"\*\*|__|`+|\$\$|\$|\\[()\[\]]|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_ONLY_SYNTAX = re.compile(r"^[\s|:\-=*_#>$`\\\[\]()]*$")


def preview(text: str, limit: int = 200) -> str:
    """The first line with words in it, its Markdown and delimiters taken out."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or is_page_marker(stripped) or _ONLY_SYNTAX.match(stripped):
            continue
        if stripped.startswith("|"):  # a table row: its cells, not its pipes
            stripped = " · ".join(cell.strip() for cell in stripped.strip("|").split("|") if cell.strip())
        cleaned = _MARKS.sub("", _LEAD.sub("", stripped)).strip()
        cleaned = re.sub(r"\s{2,}", " ", cleaned)
        if cleaned:
            return cleaned[:limit]
    return ""
