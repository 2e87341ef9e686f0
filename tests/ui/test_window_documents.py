"""Documents in the window: page range, password, progress, Stop, the joined document, Save as."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from desktop_ocr._dev.pdfs import encrypted_pdf, make_pdf, text_page
from desktop_ocr.core.records import State
from desktop_ocr.pages import page_marker
from desktop_ocr.ui.documents import dialogs as document_dialogs

SMALL = {"min_pixels": 3136, "max_pixels": 3136 * 4, "max_new_tokens": 6}


@pytest.fixture
def three(tmp_path):
    return make_pdf(tmp_path / "three.pdf", [text_page(f"page {n}", seed=n) for n in (1, 2, 3)])


def answer_pages(monkeypatch, text: str, seen: list[str]) -> None:
    """The page-range dialog answers `text` (and notes the count it was shown)."""

    def exec_(dialog):
        seen.append(dialog.label.text())
        dialog.field.setText(text)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(document_dialogs.PageRangeDialog, "exec", exec_)


def test_a_page_range_runs_those_pages_in_order_as_one_document(qtbot, make_app, three, monkeypatch):
    app = make_app(**SMALL)
    seen: list[str] = []
    answer_pages(monkeypatch, "3,1", seen)
    lines: list[str] = []
    app.window.statusBar().messageChanged.connect(lines.append)
    (record_id,) = app.add_paths([three])
    assert seen == ["three.pdf has 3 pages."]
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    assert [result.page for result in run.results] == [3, 1]
    assert "three.pdf: page 1 of 2 (page 3)" in lines and "three.pdf: page 2 of 2 (page 1)" in lines
    record = app.records[record_id]
    text = record.transcript()
    assert text.index(page_marker(3)) < text.index(page_marker(1)) and page_marker(2) not in text
    assert len(app.records) == 1 and record.state is State.DONE
    assert not app.window.view.image_view.picture.isNull()  # the page under way was shown


def test_cancelling_the_page_range_is_one_status_line(qtbot, make_app, three, monkeypatch):
    app = make_app(**SMALL)
    monkeypatch.setattr(document_dialogs.PageRangeDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    assert app.add_paths([three]) == []
    assert app.records == {} and "no pages chosen" in app.window.statusBar().currentMessage()


def test_a_wrong_password_is_asked_again(qtbot, make_app, tmp_path, monkeypatch):
    app = make_app(**SMALL)
    locked = encrypted_pdf(tmp_path / "locked.pdf", "s3cret")
    answers, asked = iter(["nope", "s3cret"]), []

    def exec_(dialog):
        asked.append(dialog.label.text())
        dialog.field.setText(next(answers))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(document_dialogs.PasswordDialog, "exec", exec_)
    (record_id,) = app.add_paths([locked])
    assert len(asked) == 2 and "wrong" not in asked[0] and "wrong" in asked[1]
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    assert [result.page for result in run.results] == [1]


def test_stop_after_the_first_page_keeps_it(qtbot, make_app, three, monkeypatch):
    app = make_app(**SMALL)
    answer_pages(monkeypatch, "1-3", [])
    (record_id,) = app.add_paths([three])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: len(run.results) == 1, timeout=120_000)
    app.stop()
    qtbot.waitUntil(lambda: run.done, timeout=60_000)
    assert run.stopped and run.results[0].page == 1 and len(run.results) < 3
    assert page_marker(1) in app.records[record_id].transcript()
    assert "stopped" in app.window.statusBar().currentMessage()


def test_save_as_jsonl_reads_back_one_line_a_page(qtbot, make_app, three, monkeypatch, tmp_path):
    app = make_app(**SMALL)
    answer_pages(monkeypatch, "1,2", [])
    (record_id,) = app.add_paths([three])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    target = tmp_path / "out.jsonl"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), document_dialogs.FILE_FILTERS["md"])
    )
    app.open_record(record_id)
    qtbot.waitUntil(lambda: getattr(app.current_record(), "record_id", None) == record_id)
    app.window.save_action.trigger()
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [row["page"] for row in rows] == [1, 2]
    assert [row["text"] for row in rows] == [result.text for result in run.results]
    assert all(row["file"] == "three.pdf" for row in rows)


def test_pages_given_on_the_command_line_skip_the_dialog(qtbot, make_app, three, monkeypatch):
    from desktop_ocr.ui.startup import document_flags

    app = make_app(**SMALL)

    def never(_dialog):
        raise AssertionError("the page range was given: no dialog")

    monkeypatch.setattr(document_dialogs.PageRangeDialog, "exec", never)
    app.documents.flags = document_flags({"pages": "2", "password": None, "dpi": None})
    (record_id,) = app.add_paths([three])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    assert [result.page for result in run.results] == [2]


def stored(app):
    app.flush_history()
    store = app.history_store
    assert store is not None
    return store


def test_a_document_is_one_history_record_with_its_pages(qtbot, make_app, three, monkeypatch):
    app = make_app(**SMALL)
    answer_pages(monkeypatch, "3,1", [])
    ended: list[int] = []
    app.answer_ended.connect(ended.append)
    (record_id,) = app.add_paths([three])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: len(run.results) == 1, timeout=120_000)
    # the pane streams the document: page 3 (done) under its marker while page 1 comes
    assert app.records[record_id].transcript().startswith(page_marker(3))
    assert stored(app).list() == []  # nothing recorded before the document ends
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    assert ended == [record_id]  # one "answer finished" for the document, not one per page
    row = app.window.history.model.data(
        app.window.history.model.index(app.window.history.model.row_of(record_id))
    )
    assert page_marker(3) not in row  # the list shows the document's first words
    store = stored(app)
    (summary,) = store.list()
    record = store.get(summary.id)
    assert record is not None and record.is_document and record.name == str(three)
    assert [page.document_page for page in record.pages] == [3, 1]
    answers = [page.turns[0].answer if page.turns else None for page in record.pages]
    assert answers == [result.text for result in run.results]
    assert record.text == app.records[record_id].transcript()
    assert store.image(summary.id, page=1) is not None  # each page's picture is kept


def test_a_recorded_document_reopens_whole_and_its_edit_is_kept(qtbot, make_app, three, monkeypatch):
    app = make_app(**SMALL)
    answer_pages(monkeypatch, "1,2", [])
    (record_id,) = app.add_paths([three])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    app.open_record(record_id)
    edit = app.records[record_id].transcript() + "\nchecked by hand\n"
    app.window.view.source.setPlainText(edit)  # the source editor: an edit of the whole document
    store = stored(app)
    qtbot.waitUntil(lambda: store.get(store.list()[0].id).text == edit, timeout=10_000)  # type: ignore[union-attr]
    app.shut_down()

    again = make_app(**SMALL, wait_ready=False)
    qtbot.waitUntil(lambda: again.window.history.model.rowCount() == 1)
    again.window.history.list_view.setCurrentIndex(again.window.history.model.index(0))
    restored = again.current_record()
    assert restored is not None and restored.is_document
    assert [page.page for page in restored.pages or []] == [1, 2]
    assert again.window.view.source.toPlainText() == edit
    restored.edited = None
    assert restored.transcript().index(page_marker(1)) < restored.transcript().index(page_marker(2))


def test_follow_ups_are_refused_and_recognize_again_reads_the_file_anew(qtbot, make_app, tmp_path):
    app = make_app(**SMALL)
    one = make_pdf(tmp_path / "one.pdf", [text_page("only page", seed=4)])
    (record_id,) = app.add_paths([one])  # one page: no page-range dialog
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    app.open_record(record_id)
    follow_up = app.window.view.follow_up
    assert not follow_up.isEnabled() and not app.window.view.ask_button.isEnabled()
    assert "snip the page" in follow_up.placeholderText()  # the box says why
    app.ask("what is the title?")  # asked anyway (not through the box): refused in one line
    assert "one image" in app.window.statusBar().currentMessage()
    assert len(app.records[record_id].turns) == 1
    app.recognize_again()
    assert len(app.records) == 2 and len(app.document_runs) == 2
    second = max(app.document_runs)
    qtbot.waitUntil(lambda: app.document_runs[second].done, timeout=120_000)
    assert app.records[record_id].pages == run.results  # the first record is kept as it was


def test_a_pasted_pdf_path_and_a_dropped_pdf_become_documents(qtbot, make_app, tmp_path):
    from PySide6.QtCore import QMimeData, QUrl

    app = make_app(**SMALL)
    one = make_pdf(tmp_path / "one.pdf", [text_page("only page", seed=4)])
    pasted = QMimeData()
    pasted.setText(f'"{one}"\n')  # as a file manager's "copy path" gives it
    assert app.add_mime(pasted, "pasted image")
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(one))])
    assert app.add_mime(dropped, "dropped image")
    assert sorted(app.document_runs) == sorted(app.records)
    assert len(app.document_runs) == 2
    for run in app.document_runs.values():
        qtbot.waitUntil(lambda run=run: run.done, timeout=120_000)
        assert [result.page for result in run.results] == [1]


def test_a_pdf_handed_to_the_running_window_takes_its_flags_once(qtbot, make_app, three, monkeypatch):
    from desktop_ocr.ui.startup import handle_request

    app = make_app(**SMALL)
    logged: list[str] = []
    app.log = logged.append
    handle_request(app, {"images": [str(three)], "pages": "2-3", "password": "not-needed", "dpi": None})
    (run,) = app.document_runs.values()
    assert app.records[run.record_id].source.value == "handoff"
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    assert [result.page for result in run.results] == [2, 3]
    assert app.documents.flags == {}  # the next document (dropped, say) asks again
    assert logged and all("not-needed" not in line for line in logged)


def test_a_multi_page_tiff_is_a_document(qtbot, make_app, tmp_path, monkeypatch):
    from desktop_ocr._dev.pdfs import make_tiff

    app = make_app(**SMALL)
    answer_pages(monkeypatch, "1-2", [])
    path = make_tiff(tmp_path / "scan.tiff", [text_page("one", seed=1), text_page("two", seed=2)])
    (record_id,) = app.add_paths([path])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    assert [result.page for result in run.results] == [1, 2]
