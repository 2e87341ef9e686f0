"""Tables out: TSV and an HTML table for the clipboard, CSV and XLSX files (written atomically)."""

from __future__ import annotations

import csv
import html
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .tables import Table

# A plain number: what a spreadsheet should get as a number. Leading zeros ("007", postcodes)
# and thousands separators stay text: converting them would lose or guess at what was written.
_NUMBER = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|[+-]?0?\.\d+")
_INTEGER = re.compile(r"[+-]?(?:0|[1-9]\d*)")
# Excel keeps 15 significant digits; longer integers (IDs, card numbers) stay text, exactly.
_MAX_EXACT_DIGITS = 15


def as_number(cell: str) -> int | float | None:
    """The cell's value when it is a plain number, else None."""
    text = cell.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if _INTEGER.fullmatch(text):
        return int(text) if len(text.lstrip("+-")) <= _MAX_EXACT_DIGITS else None
    return float(text)


def to_tsv(tables: Sequence[Table]) -> str:
    """Tab-separated rows; a cell holding a tab, line break or quote is quoted as Excel does."""
    return _delimited(tables, "\t", "\n")


def to_csv(tables: Sequence[Table]) -> str:
    """Comma-separated rows (RFC 4180 line ends); several tables with an empty row between."""
    return _delimited(tables, ",", "\r\n")


def _delimited(tables: Sequence[Table], delimiter: str, line_end: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerows(table.rows)
    return buffer.getvalue()


def to_html_tables(tables: Sequence[Table]) -> str:
    """An HTML fragment of the tables (escaped cell text) that spreadsheets paste as cells."""
    parts: list[str] = []
    for table in tables:
        rows = []
        for row in table.rows:
            cells = "".join(f"<td>{html.escape(cell).replace(chr(10), '<br>')}</td>" for cell in row)
            rows.append(f"<tr>{cells}</tr>")
        parts.append('<table border="1">\n' + "\n".join(rows) + "\n</table>")
    return '<html><head><meta charset="utf-8"></head><body>\n' + "\n<br>\n".join(parts) + "\n</body></html>\n"


@dataclass(frozen=True)
class NamedTable:
    """A table with where it came from: its sheet name in a workbook."""

    name: str
    table: Table


def sheet_names(labels: Sequence[str]) -> list[str]:
    """Valid, distinct Excel sheet names (≤ 31 characters, none of []:*?/\\) for the labels."""
    names: list[str] = []
    taken: set[str] = set()
    for label in labels:
        base = re.sub(r"[\[\]:*?/\\]", "_", label).strip("' ") or "Table"
        name = base[:31]
        number = 2
        while name.lower() in taken:
            suffix = f" ({number})"
            name = base[: 31 - len(suffix)] + suffix
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def write_csv(path: str | Path, tables: Sequence[Table]) -> None:
    """UTF-8 with a byte-order mark: without it Excel reads the file in the local code page."""
    _write_atomically(Path(path), to_csv(tables).encode("utf-8-sig"))


def write_xlsx(path: str | Path, sheets: Sequence[NamedTable]) -> None:
    """One sheet per table; plain numbers as numbers, everything else as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment

    workbook = Workbook()
    workbook.remove(workbook.active)
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, named in zip(sheet_names([s.name for s in sheets]), sheets, strict=True):
        sheet = workbook.create_sheet(name)
        for row_index, row in enumerate(named.table.rows, start=1):
            for column, text in enumerate(row, start=1):
                if not text:
                    continue
                cell: Cell = sheet.cell(row=row_index, column=column)
                number = as_number(text)
                if number is not None:
                    cell.value = number
                else:
                    cell.value = text
                    cell.data_type = "s"  # "=…" read off a screen is text, not a formula to run
                    if "\n" in text:
                        cell.alignment = wrap
    buffer = io.BytesIO()
    workbook.save(buffer)
    _write_atomically(Path(path), buffer.getvalue())


def _write_atomically(path: Path, data: bytes) -> None:
    """A temporary file renamed over the target: a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
