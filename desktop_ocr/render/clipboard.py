"""What the window puts on the clipboard for a paste elsewhere: the same content as HTML and text.

Qt-free: the window turns a ClipboardPayload into QMimeData (text/html + text/plain), so
the application pasted into picks the richest format it understands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .export import is_bare_formula, to_plain_text
from .html_export import markdown_to_html_body
from .rtf import to_rtf
from .table_export import to_html_tables, to_tsv
from .tables import Table, find_tables, markdown_table


@dataclass(frozen=True)
class ClipboardPayload:
    html: str  # text/html
    text: str  # text/plain
    rtf: str = ""  # text/rtf, when there is one


def for_word(text: str, latex_mode: bool = False) -> ClipboardPayload:
    """Copy for Word: the answer as HTML with each formula a MathML <math> element, as RTF
    with each formula as RTF math (what LibreOffice makes formula objects of), and as text.

    MathML is the equation form Word takes from HTML; model text is escaped and
    links are limited to safe schemes by html_export (the HTML is never the model's own).
    """
    source = f"$${text.strip()}$$" if is_bare_formula(text, latex_mode) else text
    body = markdown_to_html_body(source)
    page = f'<html>\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n{body}</body>\n</html>\n'
    plain = to_plain_text(text, latex_mode)
    return ClipboardPayload(html=page, text=plain, rtf=to_rtf(text, latex_mode))


def for_spreadsheet(tables: Sequence[Table]) -> ClipboardPayload:
    """Copy table: TSV and an HTML table, so Calc, Excel and Google Sheets paste cells."""
    return ClipboardPayload(html=to_html_tables(tables), text=to_tsv(tables))


def tables_to_copy(text: str, drawn_index: int | None = None) -> list[Table]:
    """The table under the cursor (the pane's `drawn_index`-th drawn table), else all of them."""
    if drawn_index is not None:
        table = markdown_table(text, drawn_index)
        if table is not None:
            return [table]
    return find_tables(text)
