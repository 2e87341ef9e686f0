"""Marks in the pane and the source editor, their tooltips, F8 stepping, and mark-free copies."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit

from desktop_ocr.render import export
from desktop_ocr.render.export import Delimiters
from desktop_ocr.render.marks import SENTINELS, Span
from desktop_ocr.render.math import default_math_renderer
from desktop_ocr.ui.window.result_pane import ResultPane, mark_color
from desktop_ocr.ui.window.uncertain import SpanNavigator, mark_editor, select_in_editor

TEXT = "The cat sat on $x^2 + y$ and **bold** words.\n\nÜber 東京 line."


def spans_for(*words):
    spans = []
    for word in words:
        start = TEXT.index(word)
        spans.append(Span(start, start + len(word), 0.25, (("dog", 0.2), ("cap", 0.1))))
    return spans


def make_pane(qtbot, dark=False):
    pane = ResultPane(default_math_renderer())
    if dark:
        palette = pane.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
        palette.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
        pane.setPalette(palette)
    pane.resize(600, 300)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def test_pane_marks_text_and_the_formula_with_a_wavy_underline(qtbot):
    pane = make_pane(qtbot)
    marks = spans_for("cat", "+ y", "東京")
    pane.show_text(TEXT, marks=marks)
    ranges = pane.mark_ranges()
    assert [index for index, _, _ in ranges] == [0, 1, 2]
    document_text = pane.document().toPlainText()
    cursor = pane.textCursor()
    cursor.setPosition(ranges[0][1])
    cursor.setPosition(ranges[0][2], cursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "cat"
    cursor.setPosition(ranges[0][1] + 1)
    fmt = cursor.charFormat()
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert fmt.underlineColor() == mark_color(pane.palette())
    assert "p = 0.25" in fmt.toolTip() and "'dog': 0.20" in fmt.toolTip()
    assert not SENTINELS.search(document_text)
    assert pane.document_model.formulas[0].marks == (1,)


def test_the_mark_colour_follows_the_palette(qtbot):
    light, dark = make_pane(qtbot), make_pane(qtbot, dark=True)
    assert mark_color(light.palette()) != mark_color(dark.palette())
    assert mark_color(dark.palette()).lightness() > 128 > mark_color(light.palette()).lightness()


def test_copies_from_a_marked_pane_are_mark_free(qtbot):
    pane = make_pane(qtbot)
    pane.show_text(TEXT, marks=spans_for("cat", "+ y", "bold", "東京"))
    pane.selectAll()
    copied = pane.selected_source()
    assert not SENTINELS.search(copied)
    assert "cat sat on $x^2 + y$" in copied and "東京" in copied
    mime = pane.createMimeDataFromSelection()
    assert not SENTINELS.search(mime.text()) and not SENTINELS.search(mime.html())
    for copy in (
        export.to_plain_text(pane.text),
        export.to_latex(pane.text, Delimiters.DOLLAR),
        export.to_mathml(pane.text),
    ):
        assert not SENTINELS.search(copy)
        assert "uncertain" not in copy


def test_select_mark_selects_the_span(qtbot):
    pane = make_pane(qtbot)
    pane.show_text(TEXT, marks=spans_for("cat", "東京"))
    assert pane.select_mark(1)
    assert pane.textCursor().selectedText() == "東京"
    assert not pane.select_mark(5)


def test_navigator_summary_and_wrapping():
    navigator = SpanNavigator()
    assert navigator.summary() == "" and navigator.next() is None
    navigator.set_spans(spans_for("cat", "bold", "東京"))
    assert navigator.summary() == "3 uncertain spans (F8)"
    assert [navigator.next() for _ in range(4)] == [0, 1, 2, 0]
    assert [navigator.previous() for _ in range(2)] == [2, 1]
    assert navigator.next(position=TEXT.index("and")) == 1
    assert navigator.previous(position=TEXT.index("and")) == 0
    assert navigator.previous(position=0) == 2  # wraps to the last
    navigator.set_spans(spans_for("cat"))
    assert navigator.summary() == "1 uncertain span (F8)"


def test_editor_marks_the_same_spans_outside_its_text(qtbot):
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText(TEXT)
    spans = spans_for("cat", "東京")
    mark_editor(editor, spans)
    selections = editor.extraSelections()
    assert [s.cursor.selectedText() for s in selections] == ["cat", "東京"]
    assert selections[0].format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert "p = 0.25" in selections[0].format.toolTip()
    assert editor.toPlainText() == TEXT  # marks are not in the text, so not in a copy
    select_in_editor(editor, spans[1])
    assert editor.textCursor().selectedText() == "東京"


def test_uncertain_below_round_trips_through_qsettings_and_the_dialog(qtbot, tmp_path):
    from dataclasses import replace

    from PySide6.QtCore import QSettings

    from desktop_ocr.core.settings_store import Settings, load_settings, save_settings
    from desktop_ocr.render.marks import DEFAULT_UNCERTAIN_BELOW
    from desktop_ocr.ui.settings.dialog import SettingsDialog

    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert load_settings(store).uncertain_below == DEFAULT_UNCERTAIN_BELOW
    save_settings(store, replace(Settings(), uncertain_below=0.3))
    assert load_settings(store).uncertain_below == 0.3
    store.setValue("uncertain_below", "7")  # out of range: back to the default
    assert load_settings(store).uncertain_below == DEFAULT_UNCERTAIN_BELOW
    dialog = SettingsDialog(replace(Settings(), uncertain_below=0.25))
    qtbot.addWidget(dialog)
    assert dialog.editor("uncertain_below").input.value() == 0.25
    dialog.editor("uncertain_below").input.setValue(0.4)
    assert dialog.result_settings().uncertain_below == 0.4
