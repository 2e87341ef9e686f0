"""Issue 13 in the window: marks after an answer finishes, F8 stepping, edits drop them, copies stay clean."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_ocr.render.marks import SENTINELS, uncertain_spans
from desktop_ocr.ui.window.uncertain import record_marks
from tests.ui.conftest import write_noise


def answered(qtbot, app, path):
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.add_paths([path])
    return app.records[done.args[0]]


def test_every_token_marked_at_threshold_1(qtbot, make_app, tmp_path):
    app = make_app(uncertain_below=1.0)
    record = answered(qtbot, app, write_noise(tmp_path / "a.png"))
    assert record.tokens and "".join(t.text for t in record.tokens[0]) == record.transcript()
    spans = app.window.view.marks.spans
    assert spans and spans == uncertain_spans(record.tokens[0], 1.0)
    assert app.window.view.marks_label.text().endswith("(F8)")
    assert app.window.view.pane.mark_ranges()
    assert len(app.window.view.source.extraSelections()) == len(spans)
    # Copies never carry the marks' sentinels.
    app.window.copy_plain_text()
    assert not SENTINELS.search(QGuiApplication.clipboard().text())
    app.window.view.pane.selectAll()
    assert not SENTINELS.search(app.window.view.pane.createMimeDataFromSelection().text())


def test_no_marks_at_threshold_0(qtbot, make_app, tmp_path):
    app = make_app(uncertain_below=0.0)
    answered(qtbot, app, write_noise(tmp_path / "a.png"))
    assert app.window.view.marks.spans == [] and app.window.view.marks_label.text() == ""
    assert app.window.view.pane.mark_ranges() == []


def test_f8_steps_through_the_spans_in_the_pane_and_the_editor(qtbot, make_app, tmp_path):
    app = make_app(uncertain_below=1.0)
    record = answered(qtbot, app, write_noise(tmp_path / "a.png"))
    spans = app.window.view.marks.spans
    text = record.transcript()
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow, timeout=5000)
    qtbot.keyClick(app.window, Qt.Key.Key_F8)
    first = app.window.view.pane.textCursor()
    assert first.hasSelection()
    assert (first.selectionStart(), first.selectionEnd()) == app.window.view.pane.mark_ranges()[0][1:]
    app.window.toggle_source()
    qtbot.keyClick(app.window, Qt.Key.Key_F8)  # the second span (wrapping to the first if only one)
    expected = spans[1 % len(spans)]
    assert app.window.view.source.textCursor().selectedText() == text[expected.start : expected.end]
    qtbot.keyClick(app.window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert app.window.view.source.textCursor().selectedText() == text[spans[0].start : spans[0].end]


def test_an_edit_drops_the_marks_and_reselecting_brings_them_back(qtbot, make_app, tmp_path):
    app = make_app(uncertain_below=1.0)
    first = answered(qtbot, app, write_noise(tmp_path / "a.png"))
    kept = list(app.window.view.marks.spans)
    second = answered(qtbot, app, write_noise(tmp_path / "b.png", seed=1))
    assert app.current_record() is second
    app.window.history.list_view.setCurrentIndex(
        app.window.history.model.index(app.window.history.model.row_of(first.record_id))
    )
    assert app.window.view.marks.spans == kept  # the record kept its tokens
    app.window.view.source.setPlainText("corrected by hand")
    assert app.window.view.marks.spans == [] and app.window.view.marks_label.text() == ""
    assert app.window.view.pane.mark_ranges() == [] and app.window.view.source.extraSelections() == []


def test_follow_up_marks_sit_on_each_turns_answer(qtbot, make_app, tmp_path):
    app = make_app(uncertain_below=1.0)
    record = answered(qtbot, app, write_noise(tmp_path / "a.png"))
    app.window.view.follow_up.setText("And in French?")
    with qtbot.waitSignal(app.answer_ended, timeout=120_000):
        app.window.view.ask_button.click()
    assert len(record.turns) == len(record.tokens) == 2
    text = record.transcript()
    marks = record_marks(record, 1.0)
    assert marks == app.window.view.marks.spans
    offsets = record.answer_offsets()
    expected = []
    for turn, tokens, offset in zip(record.turns, record.tokens, offsets, strict=True):
        if offset is None:
            continue  # the first answer is reworded (a bare formula): its turn is not marked
        assert text[offset : offset + len(turn.answer)] == turn.answer
        for span in uncertain_spans(tokens, 1.0):
            assert text[span.start + offset : span.end + offset] == turn.answer[span.start : span.end]
            expected.append((span.start + offset, span.end + offset))
    assert [(s.start, s.end) for s in marks] == expected
    question_at = text.index("> **And in French?**")
    assert all(not (s.start <= question_at < s.end) for s in marks)  # the quoted question: no mark
    if record.turns[1].answer.strip():
        assert any(s.start > question_at for s in marks)  # the follow-up's answer is marked too


def test_a_new_threshold_in_settings_remarks_the_shown_answer(qtbot, make_app, tmp_path):
    from dataclasses import replace

    app = make_app(uncertain_below=1.0)
    answered(qtbot, app, write_noise(tmp_path / "a.png"))
    assert app.window.view.marks.spans
    app.apply_settings(replace(app.settings, uncertain_below=0.0))
    assert app.window.view.marks.spans == [] and app.window.view.pane.mark_ranges() == []
