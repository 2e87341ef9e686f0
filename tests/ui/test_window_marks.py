"""Issue 13 in the window: marks after an answer finishes, F8 stepping, edits drop them, copies stay clean."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_ocr.render.marks import SENTINELS, uncertain_spans
from desktop_ocr.ui.window.uncertain import record_marks
from tests.ui.conftest import write_noise


def answered(qtbot, window, path):
    with qtbot.waitSignal(window.answer_finished, timeout=120_000) as done:
        window.add_paths([path])
    return window.items[done.args[0]]


def test_every_token_marked_at_threshold_1(qtbot, make_window, tmp_path):
    window = make_window(uncertain_below=1.0)
    record = answered(qtbot, window, write_noise(tmp_path / "a.png"))
    assert record.tokens and "".join(t.text for t in record.tokens[0]) == record.transcript()
    spans = window.marks.spans
    assert spans and spans == uncertain_spans(record.tokens[0], 1.0)
    assert window.marks_label.text().endswith("(F8)")
    assert window.pane.mark_ranges()
    assert len(window.source.extraSelections()) == len(spans)
    # Copies never carry the marks' sentinels.
    window.copy_plain_text()
    assert not SENTINELS.search(QGuiApplication.clipboard().text())
    window.pane.selectAll()
    assert not SENTINELS.search(window.pane.createMimeDataFromSelection().text())


def test_no_marks_at_threshold_0(qtbot, make_window, tmp_path):
    window = make_window(uncertain_below=0.0)
    answered(qtbot, window, write_noise(tmp_path / "a.png"))
    assert window.marks.spans == [] and window.marks_label.text() == ""
    assert window.pane.mark_ranges() == []


def test_f8_steps_through_the_spans_in_the_pane_and_the_editor(qtbot, make_window, tmp_path):
    window = make_window(uncertain_below=1.0)
    record = answered(qtbot, window, write_noise(tmp_path / "a.png"))
    spans = window.marks.spans
    text = record.transcript()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    first = window.pane.textCursor()
    assert first.hasSelection()
    assert (first.selectionStart(), first.selectionEnd()) == window.pane.mark_ranges()[0][1:]
    window.toggle_source()
    qtbot.keyClick(window, Qt.Key.Key_F8)  # the second span (wrapping to the first if only one)
    expected = spans[1 % len(spans)]
    assert window.source.textCursor().selectedText() == text[expected.start : expected.end]
    qtbot.keyClick(window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert window.source.textCursor().selectedText() == text[spans[0].start : spans[0].end]


def test_an_edit_drops_the_marks_and_reselecting_brings_them_back(qtbot, make_window, tmp_path):
    window = make_window(uncertain_below=1.0)
    first = answered(qtbot, window, write_noise(tmp_path / "a.png"))
    kept = list(window.marks.spans)
    second = answered(qtbot, window, write_noise(tmp_path / "b.png", seed=1))
    assert window.current_item() is second
    window.item_list.setCurrentIndex(window.records.index(window.records.row_of(first.record_id)))
    assert window.marks.spans == kept  # the record kept its tokens
    window.source.setPlainText("corrected by hand")
    assert window.marks.spans == [] and window.marks_label.text() == ""
    assert window.pane.mark_ranges() == [] and window.source.extraSelections() == []


def test_follow_up_marks_sit_on_each_turns_answer(qtbot, make_window, tmp_path):
    window = make_window(uncertain_below=1.0)
    record = answered(qtbot, window, write_noise(tmp_path / "a.png"))
    window.follow_up.setText("And in French?")
    with qtbot.waitSignal(window.answer_finished, timeout=120_000):
        window.ask_follow_up()
    assert len(record.turns) == len(record.tokens) == 2
    text = record.transcript()
    marks = record_marks(record, 1.0)
    assert marks == window.marks.spans
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


def test_a_new_threshold_in_settings_remarks_the_shown_answer(qtbot, make_window, tmp_path):
    from dataclasses import replace

    window = make_window(uncertain_below=1.0)
    answered(qtbot, window, write_noise(tmp_path / "a.png"))
    assert window.marks.spans
    window.apply_settings(replace(window.settings, uncertain_below=0.0))
    assert window.marks.spans == [] and window.pane.mark_ranges() == []
