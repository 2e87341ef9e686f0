"""An answer's tables: found in Markdown and HTML alike, and the same cells in TSV, CSV and XLSX."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from desktop_ocr.render.table_export import (
    NamedTable,
    as_number,
    sheet_names,
    to_csv,
    to_html_tables,
    to_tsv,
    write_csv,
    write_xlsx,
)
from desktop_ocr.render.tables import Table, find_tables

MARKDOWN = r"""Prices as read:

| **Item** | Price | Note |
|---|---:|---|
| *Tea* | 3.50 | $x^2$ |
| Coffee, black | 12 | line one<br>line two |
| ID | 007 | =SUM(A1:A2) |

Thanks."""

HTML = r"""Prices as read:
<table>
<thead><tr><th><b>Item</b></th><th>Price</th><th>Note</th></tr></thead>
<tbody>
<tr><td><em>Tea</em></td><td>3.50</td><td>\(x^2\)</td></tr>
<tr><td>Coffee, black</td><td>12</td><td>line one<br/>line two</td></tr>
<tr><td>ID</td><td>007</td><td>=SUM(A1:A2)</td></tr>
</tbody>
</table>
Thanks."""

CELLS = (
    ("Item", "Price", "Note"),
    ("Tea", "3.50", "$x^2$"),
    ("Coffee, black", "12", "line one\nline two"),
    ("ID", "007", "=SUM(A1:A2)"),
)


@pytest.mark.parametrize("answer", [MARKDOWN, HTML], ids=["markdown", "html"])
def test_a_table_is_found_with_plain_cells(answer):
    assert find_tables(answer) == [Table(CELLS)]


def test_an_answer_without_a_table_has_none():
    assert find_tables("Just | a pipe and <b>bold</b> text.\n\n$$a|b$$") == []


def test_tables_come_in_order_whatever_their_syntax():
    answer = "| a |\n|---|\n| 1 |\n\n<table><tr><td>b</td></tr></table>\n\n| c |\n|---|\n| 3 |"
    assert [t.rows[0][0] for t in find_tables(answer)] == ["a", "b", "c"]


def test_html_spans_fill_the_grid_with_empty_cells():
    answer = (
        "<table><tr><td colspan=2>a</td><td rowspan=2>b</td></tr>"
        "<tr><td>c</td><td>d &amp; e</td></tr></table>"
    )
    assert find_tables(answer)[0].rows == (("a", "", "b"), ("c", "d & e", ""))


@pytest.mark.parametrize("answer", [MARKDOWN, HTML], ids=["markdown", "html"])
def test_tsv_and_csv_read_back_as_the_cells(answer):
    tables = find_tables(answer)
    assert tuple(map(tuple, csv.reader(io.StringIO(to_tsv(tables)), delimiter="\t"))) == CELLS
    assert tuple(map(tuple, csv.reader(io.StringIO(to_csv(tables), newline="")))) == CELLS


@pytest.mark.parametrize("answer", [MARKDOWN, HTML], ids=["markdown", "html"])
def test_csv_file_is_utf8_with_a_bom_and_tables_are_apart_by_an_empty_row(answer, tmp_path):
    tables = [*find_tables(answer), Table((("Ünïcode €",),))]
    path = tmp_path / "out.csv"
    write_csv(path, tables)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(map(tuple, rows[: len(CELLS)])) == CELLS
    assert rows[len(CELLS) :] == [[], ["Ünïcode €"]]
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("answer", [MARKDOWN, HTML], ids=["markdown", "html"])
def test_xlsx_reads_back_as_the_cells_with_numbers_as_numbers(answer, tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [NamedTable("Page 1 table 1", table) for table in find_tables(answer)])
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Page 1 table 1"]
    sheet = workbook["Page 1 table 1"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Item", "Price", "Note"],
        ["Tea", 3.5, "$x^2$"],
        ["Coffee, black", 12, "line one\nline two"],
        ["ID", "007", "=SUM(A1:A2)"],
    ]
    assert sheet["C4"].data_type == "s"  # text read off a screen is never a formula to run


def test_plain_numbers_only_become_numbers():
    assert [as_number(text) for text in ("12", "-3.25", "1e3", " 4 ", ".5")] == [12, -3.25, 1000.0, 4, 0.5]
    for text in ("007", "1,234", "12 kg", "3.", "1234567890123456", "", "€5"):
        assert as_number(text) is None, text


def test_sheet_names_are_valid_and_distinct():
    names = sheet_names(["Page 1 table 1", "a/b:c?", "x" * 40, "x" * 40, "page 1 TABLE 1"])
    assert names[0] == "Page 1 table 1"
    assert names[1] == "a_b_c_"
    assert all(len(name) <= 31 for name in names)
    assert len({name.lower() for name in names}) == len(names)


def test_clipboard_html_table_is_escaped():
    out = to_html_tables([Table((("<script>alert(1)</script>", "a\nb"),))])
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "a<br>b" in out
