"""The tables of an answer: Markdown pipe tables and HTML <table>s, as rows of plain cell text.

Cell text is what a spreadsheet should get: Markdown emphasis and links reduced to their
text, formulas kept as `$TeX$`, and `<br>` as a line break inside the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it.token import Token

from .delimiters import normalise_delimiters
from .markdown import math_markdown_parser

_MD = math_markdown_parser()
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    """Rows of cell texts, every row as wide as the widest; the first row is the header if any."""

    rows: tuple[tuple[str, ...], ...]
    # "markdown" or "html": the pane draws Markdown tables as tables, HTML ones as their source.
    origin: str = field(default="markdown", compare=False)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def find_tables(text: str) -> list[Table]:
    """Every table of the answer, in the order they appear."""
    tables: list[Table] = []
    last = 0
    for match in _HTML_TABLE.finditer(text):
        tables += _markdown_tables(text[last : match.start()])
        table = _html_table(match.group())
        if table.rows:
            table = Table(table.rows, origin="html")
            tables.append(table)
        last = match.end()
    tables += _markdown_tables(text[last:])
    return tables


def markdown_table(text: str, index: int) -> Table | None:
    """The answer's `index`-th Markdown table (the pane's `index`-th drawn table), if any."""
    drawn = [table for table in find_tables(text) if table.origin == "markdown"]
    return drawn[index] if 0 <= index < len(drawn) else None


def html_table_spans(text: str) -> list[tuple[int, int]]:
    """Where the HTML tables are in `text` (character offsets), for code that must not touch them."""
    return [match.span() for match in _HTML_TABLE.finditer(text)]


# -- Markdown ---------------------------------------------------------------------------------


def _markdown_tables(text: str) -> list[Table]:
    tables: list[Table] = []
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    in_cell = False
    for token in _MD.parse(normalise_delimiters(text)):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            row.append(_inline_text(token.children or []))
        elif token.type == "tr_close":
            rows.append(tuple(row))
        elif token.type == "table_close":
            tables.append(_rectangular(rows))
    return tables


def _inline_text(children: list[Token]) -> str:
    """Cell text from inline tokens: emphasis and link markup dropped, formulas as $TeX$."""
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(_BR.sub("\n", child.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "math_inline":
            out.append(f"${child.content.strip()}$")
        elif kind == "math_inline_double":
            out.append(f"$${child.content.strip()}$$")
        elif kind == "image":
            out.append("".join(grandchild.content for grandchild in child.children or []))
    return "\n".join(line.strip() for line in "".join(out).split("\n")).strip()


def cell_text(markdown: str) -> str:
    """One cell's Markdown as plain cell text (each `<br>`-separated line on its own)."""
    lines = _BR.sub("\n", markdown).split("\n")
    parsed = []
    for line in lines:
        tokens = _MD.parseInline(normalise_delimiters(line.strip()))
        parsed.append(_inline_text(tokens[0].children or []) if tokens else "")
    return "\n".join(parsed).strip()


# -- HTML -------------------------------------------------------------------------------------


class _TableParser(HTMLParser):
    """Collects <tr>/<td>/<th> of one table; nested tables' cells count as their outer cell's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []  # (markdown source, colspan, rowspan)
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        if self._depth > 1:
            if tag == "br" and self._cell is not None:
                self._cell.append("\n")
            return
        if tag == "tr":
            self._close_cell()
            self.rows.append([])
        elif tag in ("td", "th"):
            self._close_cell()
            if not self.rows:
                self.rows.append([])
            values = dict(attrs)
            self._span = (_span(values.get("colspan")), _span(values.get("rowspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
            if self._depth == 0:
                self._close_cell()
            return
        if self._depth == 1 and tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag in ("p", "div", "li") and self._cell is not None and self._cell:
            self._cell.append("\n")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None:
            self.rows[-1].append(("".join(self._cell), *self._span))
            self._cell = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _html_table(source: str) -> Table:
    parser = _TableParser()
    parser.feed(source)
    parser.close()
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # cells that a rowspan from above fills (empty)
    for row_index, cells in enumerate(r for r in parser.rows if r):
        row: list[str] = []
        for raw, colspan, rowspan in cells:
            while (row_index, len(row)) in pending:
                row.append(pending.pop((row_index, len(row))))
            column = len(row)
            row.append(cell_text(raw.replace("\n", "<br>")))
            row += [""] * (colspan - 1)
            for below in range(1, rowspan):
                for offset in range(colspan):
                    pending[(row_index + below, column + offset)] = ""
        while (row_index, len(row)) in pending:
            row.append(pending.pop((row_index, len(row))))
        grid.append(row)
    return _rectangular([tuple(row) for row in grid])


def _rectangular(rows: list[tuple[str, ...]]) -> Table:
    width = max((len(row) for row in rows), default=0)
    return Table(tuple(row + ("",) * (width - len(row)) for row in rows))
