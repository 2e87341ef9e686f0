"""A document's tables: every page's tables, named by file, page and table, written as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..pages import PageResult
from .table_export import NamedTable, write_csv, write_xlsx
from .tables import find_tables

TABLE_FORMATS = ("csv", "xlsx")


def sheet_label(result: PageResult, number: int, several_files: bool) -> str:
    """A sheet's name: by page and table ("p2 table 1"), with the file's name when several."""
    where = f"p{result.page} " if result.page is not None else ""
    stem = f"{Path(result.file).stem} " if several_files else ""
    return f"{stem}{where}table {number}"


def named_tables(
    pages: Sequence[PageResult], without_table: Callable[[str], None] | None = None
) -> list[NamedTable]:
    """Every table of the pages in order; each page without one is named to `without_table`."""
    several = len({result.file for result in pages}) > 1
    found: list[NamedTable] = []
    for result in pages:
        tables = find_tables(result.text)
        if not tables and without_table is not None:
            without_table(f"{result.file} page {result.page}" if result.page is not None else result.file)
        for number, table in enumerate(tables, start=1):
            found.append(NamedTable(sheet_label(result, number, several), table))
    return found


def write_tables(path: str | Path, fmt: str, tables: Sequence[NamedTable]) -> None:
    """The tables as CSV (one after another) or XLSX (a sheet each), written atomically."""
    if fmt == "csv":
        write_csv(path, [named.table for named in tables])
    elif fmt == "xlsx":
        write_xlsx(path, tables)
    else:
        raise ValueError(f"not a table format: {fmt!r} (csv or xlsx)")
