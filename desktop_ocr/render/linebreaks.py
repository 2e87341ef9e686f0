"""Line breaks of an answer: as the model wrote them, paragraphs joined, or one line.

Works on the answer's Markdown, so the pane and every copy format follow from one text.
Only prose is joined (paragraphs and headings, also inside lists and quotes): formulas,
tables (Markdown and HTML) and code blocks keep every line break they have.
"""

from __future__ import annotations

import re
from enum import Enum

from markdown_it.token import Token

from .delimiters import normalise_delimiters
from .markdown import math_markdown_parser
from .tables import html_table_spans

_MD = math_markdown_parser()


class LineBreaks(str, Enum):
    KEEP = "keep"
    PARAGRAPHS = "paragraphs"
    SINGLE = "single"


LINE_BREAK_LABELS = {
    LineBreaks.KEEP: "As written",
    LineBreaks.PARAGRAPHS: "Paragraphs joined",
    LineBreaks.SINGLE: "One line",
}

# A continuation line's container prefix (quote markers, list indentation): not content.
_CONTAINER = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*")
_HEADING_MARK = re.compile(r"[ \t]*#{1,6}[ \t]+")
# A word broken at the line end: letters, a hyphen, and the next line going on in lower case.
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])-$")


def apply_line_breaks(text: str, mode: LineBreaks | str, dehyphenate: bool = True) -> str:
    """`text` with its prose lines joined as `mode` says; KEEP returns it unchanged."""
    mode = LineBreaks(mode)
    if mode is LineBreaks.KEEP or not text.strip():
        return text
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    run: list[list[str]] = []  # SINGLE: the prose lines since the last block that must stay whole
    pending: list[str] = []  # SINGLE: blank lines that vanish if prose follows them
    for start, end, prose in _blocks(text, lines):
        gap = lines[index:start]  # blank lines and anything markdown-it left out of a block
        if mode is LineBreaks.SINGLE and run and all(not line.strip() for line in gap):
            pending += gap
        else:
            _flush(run, out)
            out += gap
        if prose and mode is LineBreaks.SINGLE:
            pending.clear()
            run.append(_join(lines[start:end], dehyphenate))
        else:
            _flush(run, out)
            out += pending
            pending.clear()
            out += _join(lines[start:end], dehyphenate) if prose else lines[start:end]
        index = end
    _flush(run, out)
    out += pending + lines[index:]
    return "\n".join(out)


def _flush(run: list[list[str]], out: list[str]) -> None:
    """SINGLE: the run's pieces on one line (a formula's own line breaks stay)."""
    if not run:
        return
    if len(run) > 1:  # a heading joined to prose would turn the whole line into a heading
        run[0][0] = _HEADING_MARK.sub("", run[0][0], count=1)
    lines = list(run[0])
    for piece in run[1:]:
        lines[-1] += " " + piece[0]
        lines += piece[1:]
    out += lines
    run.clear()


def _join(lines: list[str], dehyphenate: bool) -> list[str]:
    """Prose lines joined: continuation lines lose their container prefix, broken words mend;
    a line break inside a formula or code span stays (the result has a line per such break)."""
    kept = _breaks_inside_spans("\n".join(lines))
    out = [lines[0].rstrip()]
    for number, line in enumerate(lines[1:], start=1):
        if number - 1 in kept:
            out.append(line.rstrip())
            continue
        content = line[_CONTAINER.match(line).end() :].strip()  # type: ignore[union-attr]
        if not content:
            continue
        joined = out[-1]
        if _BROKEN_WORD.search(joined):  # "para-|graph" mends; "Jean-|Paul" keeps its hyphen
            mend = dehyphenate and content[0].islower()
            out[-1] = (joined[:-1] if mend else joined) + content
        elif joined.endswith("\\"):  # a Markdown hard break: the line break goes, not the text
            out[-1] = joined[:-1].rstrip() + " " + content
        else:
            out[-1] = joined + " " + content if joined.strip() else joined + content
    return out


_SPANS = re.compile(r"(?<!\\)(\$\$?)(?:.+?)(?<!\\)\1|(`+)(?:.+?)\2", re.DOTALL)


def _breaks_inside_spans(source: str) -> set[int]:
    """Numbers of the line breaks (0 = after the first line) inside a formula or code span."""
    normal = normalise_delimiters(source)  # same line breaks, $ delimiters only
    inside: set[int] = set()
    for match in _SPANS.finditer(normal):
        first = normal.count("\n", 0, match.start())
        inside.update(range(first, first + match.group().count("\n")))
    return inside


def _blocks(text: str, lines: list[str]) -> list[tuple[int, int, bool]]:
    """(first line, end line, is prose) of each block in order; HTML table lines never prose."""
    protected = _protected_lines(text)
    blocks: list[tuple[int, int, bool]] = []
    for start, end, prose in _prose_blocks(text, lines):
        if not prose or not protected.intersection(range(start, end)):
            blocks.append((start, end, prose))
            continue
        piece = start
        for line in range(start, end + 1):
            if line == end or (line in protected) != (piece in protected):
                blocks.append((piece, line, piece not in protected))
                piece = line
    return blocks


def _prose_blocks(text: str, lines: list[str]) -> list[tuple[int, int, bool]]:
    """(first line, end line, is prose) of each block, in order: paragraphs and headings are
    prose; tables, code, display math and rules are not. Lists and quotes give their parts."""
    tokens = _MD.parse(normalise_delimiters(text))
    blocks: list[tuple[int, int, bool]] = []
    for token in tokens:
        if token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        if blocks and start < blocks[-1][1]:
            continue  # inside a block already taken (a list's items, a quote's paragraphs)
        if token.type in ("paragraph_open", "heading_open"):
            blocks.append((start, end, True))
        elif token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            blocks += _container_blocks(tokens, token)
        else:  # tables, code, display math, rules: whole
            blocks.append((start, end, False))
    return _without_overlaps(blocks, len(lines))


def _container_blocks(tokens: list[Token], container: Token) -> list[tuple[int, int, bool]]:
    """A list or quote: each paragraph inside it on its own, every other line kept whole."""
    start_index = tokens.index(container)
    level = container.level
    found: list[tuple[int, int, bool]] = []
    for token in tokens[start_index + 1 :]:
        if token.level == level and token.nesting == -1:
            break
        if token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        if found and start < found[-1][1]:
            continue
        if token.type in ("paragraph_open", "heading_open"):
            found.append((start, end, True))
        elif token.type not in ("bullet_list_open", "ordered_list_open", "list_item_open", "blockquote_open"):
            found.append((start, end, False))
    return found


def _without_overlaps(blocks: list[tuple[int, int, bool]], count: int) -> list[tuple[int, int, bool]]:
    clean: list[tuple[int, int, bool]] = []
    last = 0
    for start, end, prose in sorted(blocks):
        if start < last:
            continue
        clean.append((start, min(end, count), prose))
        last = end
    return clean


def _protected_lines(text: str) -> set[int]:
    """Lines of HTML tables (markdown-it, with HTML off, would read them as paragraphs)."""
    protected: set[int] = set()
    for start, end in html_table_spans(text):
        first = text.count("\n", 0, start)
        protected.update(range(first, first + text.count("\n", start, end) + 1))
    return protected
