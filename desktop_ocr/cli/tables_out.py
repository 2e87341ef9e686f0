"""`-o FILE.csv|.xlsx` and `--format csv|xlsx`: the tables of the answers, not their text.

An answer without a table is one line on stderr and a failure for its input; a file is
written whole (atomically) with the tables found, or not at all when there are none.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from ..documents import PageResult
from ..render.table_export import NamedTable, write_csv, write_xlsx
from ..render.tables import find_tables
from .destinations import is_folder_target
from .output import label_of
from .parser import TABLE_FORMATS


def table_format(args: argparse.Namespace) -> str | None:
    """csv or xlsx when -o asks for tables (by --format, or FILE's extension), else None."""
    if args.format in TABLE_FORMATS:
        return str(args.format)
    if args.output and args.format is None and not is_folder_target(args.output):
        suffix = Path(args.output).suffix.lower().lstrip(".")
        return suffix if suffix in TABLE_FORMATS else None
    return None


def sheet_label(result: PageResult, number: int, several_files: bool) -> str:
    """A sheet's name: by page and table ("p2 table 1"), with the file's name when several."""
    where = f"p{result.page} " if result.page is not None else ""
    stem = f"{Path(label_of(result.file)).stem} " if several_files else ""
    return f"{stem}{where}table {number}"


def named_tables(
    pages: Sequence[PageResult], fail: Callable[[str], None], several_files: bool = False
) -> list[NamedTable]:
    """Every table of the pages in order; each page without one is reported through `fail`."""
    found: list[NamedTable] = []
    for result in pages:
        tables = find_tables(result.text)
        if not tables:
            where = (
                f"{label_of(result.file)} page {result.page}"
                if result.page is not None
                else label_of(result.file)
            )
            fail(f"{where}: no table in the answer (nothing of it written)")
        for number, table in enumerate(tables, start=1):
            found.append(NamedTable(sheet_label(result, number, several_files), table))
    return found


def write_tables(path: Path, fmt: str, tables: Sequence[NamedTable]) -> None:
    if fmt == "csv":
        write_csv(path, [named.table for named in tables])
    else:
        write_xlsx(path, tables)


class TablesOutput:
    """Writes tables where -o points: one joined file, or one file per input in a folder."""

    def __init__(self, output: str, fmt: str, fail: Callable[[str], None]) -> None:
        self.output = output
        self.fmt = fmt
        self.fail = fail

    def write_file(self, pages: Sequence[PageResult]) -> None:
        """`-o FILE.csv|.xlsx`: the tables of all answers in one file."""
        several = len({result.file for result in pages}) > 1
        tables = named_tables(pages, self.fail, several)
        if tables:
            write_tables(Path(self.output), self.fmt, tables)

    def write_input(self, path: Path, pages: Sequence[PageResult], complete: bool) -> None:
        """`-o DIR/`: one input's tables to `path` (NAME.incomplete.FORMAT if a page failed)."""
        tables = named_tables(pages, self.fail)
        if not tables:
            return
        incomplete = path.with_name(f"{path.stem}.incomplete{path.suffix}")
        write_tables(path if complete else incomplete, self.fmt, tables)
        if complete and incomplete.exists():
            incomplete.unlink()
