"""A document's uncertain-token marks in the window: each page's, F8 walks them, kept across a restart."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_ocr._dev.pdfs import make_pdf, text_page
from desktop_ocr.pages import page_text_offsets
from desktop_ocr.render.marks import uncertain_spans
from tests.ui.test_window_documents import SMALL, answer_pages


@pytest.fixture
def three(tmp_path):
    return make_pdf(tmp_path / "three.pdf", [text_page(f"page {n}", seed=n) for n in (1, 2, 3)])


def read_document(qtbot, app, path, monkeypatch) -> int:
    """Recognise all 3 pages; the record id once its pages are written to the history."""
    answer_pages(monkeypatch, "1-3", [])
    (record_id,) = app.add_paths([path])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=180_000)
    qtbot.waitUntil(lambda: app.stored_id(record_id) is not None, timeout=30_000)
    return record_id


def expected_marks(record):
    """Each page's spans, moved to where the page's text sits under the markers."""
    spans = []
    for page, offset in zip(record.pages, page_text_offsets(record.pages), strict=True):
        spans += [
            replace(s, start=s.start + offset, end=s.end + offset) for s in uncertain_spans(page.tokens, 1.0)
        ]
    return spans


def test_a_documents_marks_are_shown_and_f8_walks_them(qtbot, make_app, three, monkeypatch):
    app = make_app(uncertain_below=1.0, **SMALL)
    record = app.records[read_document(qtbot, app, three, monkeypatch)]
    assert all(page.tokens for page in record.pages)
    spans = app.window.view.marks.spans
    assert spans and spans == expected_marks(record)
    text = record.transcript()
    for page, offset in zip(record.pages, page_text_offsets(record.pages), strict=True):
        assert text[offset : offset + len(page.text)] == page.text  # each page's text where its marks say
    assert app.window.view.marks_label.text().endswith("(F8)")
    assert len(app.window.view.pane.mark_ranges()) == len(spans)
    app.window.next_mark()
    assert app.window.view.pane.textCursor().hasSelection()
    app.window.toggle_source()
    app.window.next_mark()
    second = spans[1 % len(spans)]
    assert app.window.view.source.textCursor().selectedText() == text[second.start : second.end]


def test_a_documents_marks_survive_a_restart(qtbot, make_app, three, monkeypatch):
    first = make_app(uncertain_below=1.0, **SMALL)
    record = first.records[read_document(qtbot, first, three, monkeypatch)]
    spans = list(first.window.view.marks.spans)
    assert spans
    first.shut_down()
    app = make_app(wait_ready=False, uncertain_below=1.0, **SMALL)
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 1)
    app.window.history.list_view.setCurrentIndex(app.window.history.model.index(0))
    restored = app.current_record()
    assert restored is not None and restored.transcript() == record.transcript()
    shown_marks = app.window.view.marks.spans  # the history keeps p to 6 places
    assert [(s.start, s.end) for s in shown_marks] == [(s.start, s.end) for s in spans]
    assert [s.p for s in shown_marks] == pytest.approx([s.p for s in spans], abs=1e-6)
