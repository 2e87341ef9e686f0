"""`-o FILE.csv|.xlsx` and `--format csv|xlsx`: the tables of the answers, not their text.

An answer without a table is one line on stderr and a failure for its input; a file is
written whole (atomically) with the tables found, or not at all when there are none.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from ..pages import PageResult
from ..render.document_tables import TABLE_FORMATS, named_tables, write_tables
from .destinations import is_folder_target


def table_format(args: argparse.Namespace) -> str | None:
    """csv or xlsx when -o asks for tables (by --format, or FILE's extension), else None."""
    if args.format in TABLE_FORMATS:
        return str(args.format)
    if args.output and args.format is None and not is_folder_target(args.output):
        suffix = Path(args.output).suffix.lower().lstrip(".")
        return suffix if suffix in TABLE_FORMATS else None
    return None


class TablesOutput:
    """Writes tables where -o points: one joined file, or one file per input in a folder."""

    def __init__(self, output: str, fmt: str, fail: Callable[[str], None]) -> None:
        self.output = output
        self.fmt = fmt
        self.fail = fail

    def _no_table(self, where: str) -> None:
        self.fail(f"{where}: no table in the answer (nothing of it written)")

    def write_file(self, pages: Sequence[PageResult]) -> None:
        """`-o FILE.csv|.xlsx`: the tables of all answers in one file."""
        tables = named_tables(pages, self._no_table)
        if tables:
            write_tables(Path(self.output), self.fmt, tables)

    def write_input(self, path: Path, pages: Sequence[PageResult], complete: bool) -> None:
        """`-o DIR/`: one input's tables to `path` (NAME.incomplete.FORMAT if a page failed)."""
        tables = named_tables(pages, self._no_table)
        if not tables:
            return
        incomplete = path.with_name(f"{path.stem}.incomplete{path.suffix}")
        write_tables(path if complete else incomplete, self.fmt, tables)
        if complete and incomplete.exists():
            incomplete.unlink()
