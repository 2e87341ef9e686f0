"""The window's outputs: Copy table and Copy for Word put HTML and text on the clipboard together;
the line-break choice changes the shown answer and its copies, not the record."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QTextCursor

from desktop_ocr.render.linebreaks import LineBreaks
from desktop_ocr.ui.window import copying
from tests.ui.conftest import write_noise

ANSWER = """Energy $E = mc^2$ was measured with an inter-
ferometer
over years.

| Item | Price |
|---|---|
| Tea | 3.50 |

| Code | Count |
|---|---|
| A | 7 |
"""


def answer_shown(qtbot, app, path, text: str):
    """An answered image whose text the user then edited to `text` (what the pane shows)."""
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.add_paths([path])
    record = app.records[done.args[0]]
    app.session.edit(record.record_id, text)
    qtbot.waitUntil(lambda: "Tea" in app.window.view.pane.toPlainText(), timeout=5000)
    return record


def clipboard_formats(qtbot, text_part: str) -> tuple[str, str, list[str]]:
    clipboard = QGuiApplication.clipboard()
    qtbot.waitUntil(lambda: text_part in clipboard.text(), timeout=5000)
    mime = clipboard.mimeData()
    return mime.text(), mime.html(), list(mime.formats())


def test_copy_table_puts_tsv_and_an_html_table_on_the_clipboard(qtbot, app, tmp_path):
    answer_shown(qtbot, app, write_noise(tmp_path / "a.png"), ANSWER)
    app.window.view.pane.moveCursor(QTextCursor.MoveOperation.Start)  # not in a table: all of them
    app.window.copy_table_action.trigger()
    text, html, formats = clipboard_formats(qtbot, "Tea\t3.50")
    assert "text/plain" in formats and "text/html" in formats
    assert text == "Item\tPrice\nTea\t3.50\n\nCode\tCount\nA\t7\n"
    assert html.count("<table") == 2 and "<td>Tea</td>" in html


def test_copy_table_takes_the_table_under_the_cursor(qtbot, app, tmp_path):
    answer_shown(qtbot, app, write_noise(tmp_path / "a.png"), ANSWER)
    cursor = app.window.view.pane.document().find("Count")  # a cell of the second table
    app.window.view.pane.setTextCursor(cursor)
    app.window.copy_as[copying.TABLE].trigger()  # the Copy menu's entry
    text, html, _formats = clipboard_formats(qtbot, "Count")
    assert text == "Code\tCount\nA\t7\n"
    assert html.count("<table") == 1


def test_copy_for_word_is_html_with_mathml_and_plain_text(qtbot, app, tmp_path):
    answer_shown(qtbot, app, write_noise(tmp_path / "a.png"), ANSWER)
    app.window.copy_as[copying.WORD].trigger()
    text, html, formats = clipboard_formats(qtbot, "$E = mc^2$")
    assert "text/plain" in formats and "text/html" in formats
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML"' in html
    assert "<math" not in text and "Energy $E = mc^2$" in text
    assert "text/rtf" in formats  # for LibreOffice, which makes formula objects of RTF math
    rtf = bytes(QGuiApplication.clipboard().mimeData().data("text/rtf").data()).decode("ascii")
    assert rtf.startswith("{\\rtf1") and "{\\mmath" in rtf


def test_line_breaks_change_the_pane_and_copies_but_not_the_record(qtbot, app, tmp_path):
    record = answer_shown(qtbot, app, write_noise(tmp_path / "a.png"), ANSWER)
    assert "inter- ferometer" in app.window.view.pane.toPlainText()  # Markdown shows a line break as a space
    app.window.copy_as[copying.PLAIN].trigger()
    assert "inter-\nferometer\nover years." in clipboard_formats(qtbot, "over years")[0]
    app.window.lines_box.setCurrentIndex(app.window.lines_box.findData(LineBreaks.PARAGRAPHS.value))
    qtbot.waitUntil(lambda: "interferometer over years." in app.window.view.pane.toPlainText(), timeout=5000)
    app.window.copy_as[copying.PLAIN].trigger()
    text = clipboard_formats(qtbot, "interferometer over years")[0]
    assert "interferometer over years." in text
    assert "Tea\t3.50" in text  # the table kept its rows
    assert record.transcript() == ANSWER  # the record keeps what was written


def test_the_default_line_breaks_come_from_the_settings(qtbot, make_app):
    app = make_app(wait_ready=False, line_breaks=LineBreaks.SINGLE.value)
    assert app.window.lines_box.currentData() == LineBreaks.SINGLE.value
    assert app.window.view.lines is LineBreaks.SINGLE
