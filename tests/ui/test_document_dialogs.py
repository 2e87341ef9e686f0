"""The page-range and password dialogs, and Save as's choice of format."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QDialogButtonBox

from desktop_ocr.pages import PageResult
from desktop_ocr.ui.documents import dialogs as document_dialogs
from desktop_ocr.ui.documents.dialogs import PageRangeDialog, PasswordDialog, save_path_with_format


def test_page_range_dialog_shows_the_count_and_checks_the_range(qtbot):
    dialog = PageRangeDialog("paper.pdf", 12)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert "12 pages" in dialog.label.text()
    assert dialog.field.text() == "1-12" and ok.isEnabled() and dialog.pages() == list(range(1, 13))
    dialog.field.setText("1-3,7")
    assert ok.isEnabled() and dialog.pages() == [1, 2, 3, 7] and "4 of 12" in dialog.error.text()
    dialog.field.setText("3-20")
    assert not ok.isEnabled() and "the document has 12 pages" in dialog.error.text()
    dialog.field.setText("x")
    assert not ok.isEnabled() and "not a page range" in dialog.error.text()


def test_page_range_dialog_says_a_sound_range_plainly_and_has_room_for_its_title(qtbot):
    dialog = PageRangeDialog("report.pdf", 3)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    plain = dialog.palette().color(QPalette.ColorRole.WindowText)
    assert "3 of 3 pages" in dialog.error.text()
    assert dialog.error.palette().color(QPalette.ColorRole.WindowText) == plain  # not red
    dialog.field.setText("9")
    assert dialog.error.palette().color(QPalette.ColorRole.WindowText) == QColor("#c0392b")
    title = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
    assert dialog.width() >= title + 150  # the title beside the window manager's buttons


def test_password_dialog_hides_the_text_and_says_when_it_was_wrong(qtbot):
    dialog = PasswordDialog("locked.pdf", wrong=True)
    qtbot.addWidget(dialog)
    dialog.field.setText("pw")
    assert dialog.password() == "pw" and "wrong" in dialog.label.text()
    assert dialog.field.echoMode() == dialog.field.EchoMode.Password


def test_save_as_takes_the_format_from_the_extension_or_the_filter(tmp_path, monkeypatch):
    assert save_path_with_format(str(tmp_path / "a.html"), "Markdown (*.md)")[1] == "html"
    path, fmt = save_path_with_format(str(tmp_path / "a"), document_dialogs.FILE_FILTERS["jsonl"])
    assert (path.name, fmt) == ("a.jsonl", "jsonl")

    chosen = str(tmp_path / "paper.md")
    monkeypatch.setattr(
        document_dialogs.QFileDialog,
        "getSaveFileName",
        lambda *args: (chosen, document_dialogs.FILE_FILTERS["md"]),
    )
    pages = [PageResult("p.pdf", 1, "one"), PageResult("p.pdf", 2, "two")]
    assert document_dialogs.save_document_as(None, pages, "paper.md") == tmp_path / "paper.md"
    assert (tmp_path / "paper.md").read_text() == "**Page 1**\n\none\n\n---\n\n**Page 2**\n\ntwo\n"
    monkeypatch.setattr(document_dialogs.QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    assert document_dialogs.save_document_as(None, pages, "x.md") is None


def test_save_as_writes_the_shown_answer_and_says_so_in_one_line(tmp_path, monkeypatch):
    import json

    from desktop_ocr.core.incoming import SourceKind
    from desktop_ocr.core.records import Record

    asked: list[str] = []
    chosen = {"path": str(tmp_path / "scan.jsonl")}

    def dialog(_parent, _title, suggested, *_filters):
        asked.append(suggested)
        return chosen["path"], document_dialogs.FILE_FILTERS["md"]

    monkeypatch.setattr(document_dialogs.QFileDialog, "getSaveFileName", dialog)
    record = Record(1, SourceKind.FILE, "scan.png", "text", "q", path=str(tmp_path / "scan.png"))
    assert document_dialogs.save_record_as(None, None) == "Nothing to save yet: no answer is shown"
    assert document_dialogs.save_record_as(None, record).startswith("Nothing to save yet")
    record.edited = "corrected $x^2$"
    assert document_dialogs.save_record_as(None, record) == f"Saved {tmp_path / 'scan.jsonl'}"
    assert asked == [str(tmp_path / "scan.md")]  # suggested beside the image, as Markdown
    (line,) = (tmp_path / "scan.jsonl").read_text().splitlines()
    assert json.loads(line)["text"] == "corrected $x^2$"

    chosen["path"] = str(tmp_path / "no-such-folder" / "scan.md")
    assert document_dialogs.save_record_as(None, record).startswith("Could not save: ")
    chosen["path"] = ""  # cancelled: nothing to say
    assert document_dialogs.save_record_as(None, record) == ""


def test_save_as_offers_csv_and_xlsx_only_when_the_answer_holds_a_table(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    offered: list[str] = []
    chosen = {"path": str(tmp_path / "prices.xlsx")}

    def dialog(_parent, _title, _suggested, filters, _selected):
        offered.append(filters)
        return chosen["path"], document_dialogs.FILE_FILTERS["md"]

    monkeypatch.setattr(document_dialogs.QFileDialog, "getSaveFileName", dialog)
    table = [PageResult("scan.png", None, "Prices:\n\n| Item | Price |\n|---|---|\n| Tea | 3.50 |\n")]
    assert document_dialogs.save_document_as(None, table, "scan.md") == tmp_path / "prices.xlsx"
    assert "(*.csv)" in offered[-1] and "(*.xlsx)" in offered[-1]
    sheet = load_workbook(tmp_path / "prices.xlsx").active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["Item", "Price"], ["Tea", 3.5]]

    chosen["path"] = str(tmp_path / "prices.csv")
    document_dialogs.save_document_as(None, table, "scan.md")
    assert (tmp_path / "prices.csv").read_bytes() == b"\xef\xbb\xbfItem,Price\r\nTea,3.50\r\n"

    chosen["path"] = str(tmp_path / "prose.md")
    document_dialogs.save_document_as(None, [PageResult("scan.png", None, "No table.")], "scan.md")
    assert "(*.csv)" not in offered[-1] and "(*.xlsx)" not in offered[-1]
