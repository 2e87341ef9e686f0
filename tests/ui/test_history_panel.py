"""The window's history: answers written at once, the panel (lazy list, search, delete), privacy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_ocr.history import HistoryStore, NewPage, NewRecord, Source, State, Turn, open_folder
from desktop_ocr.history.paths import DB_NAME, data_dir
from tests.conftest import noise_image
from tests.ui.conftest import write_noise


@pytest.fixture(autouse=True)
def own_data_dir(monkeypatch, tmp_path):
    """Each test its own history folder, also before a window is made (make_app sets it too)."""
    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(tmp_path / "history"))


def stored(app) -> HistoryStore:
    app.flush_history()
    store = app.history_store
    assert store is not None
    return store


def wait_answered(qtbot, app, record_id: int) -> None:
    ended = ("done", "cancelled", "failed")
    qtbot.waitUntil(lambda: app.records[record_id].state.value in ended, timeout=60_000)


def test_finished_answer_is_recorded_at_once_with_its_fields(qtbot, app, tmp_path):
    (record_id,) = app.add_paths([write_noise(tmp_path / "a.png")])
    wait_answered(qtbot, app, record_id)
    store = stored(app)
    assert store.on_disk and store.folder == data_dir()
    store_id = app.stored_id(record_id)
    record = store.get(store_id)
    assert record.source is Source.FILE and record.name == str(tmp_path / "a.png")
    assert record.mode == "text" and record.state is State.DONE
    assert record.backend == "local" and record.device == "cpu" and record.dtype == "float32"
    assert record.model
    assert record.turns[0].answer == app.records[record_id].turns[0].answer
    assert record.stats["new_tokens"] > 0 and record.turns[0].probabilities
    assert store.image_path(store_id).exists()
    # the window's list row is that record; the full image is no longer held in memory
    qtbot.waitUntil(
        lambda: app.window.history.model.store_id(app.window.history.model.row_of(record_id)) == store_id
    )
    assert app.window.history.keeper.memory(record_id) is not None  # the current record's image stays
    app.window.history.keeper.focus(None)
    assert app.window.history.keeper.memory(record_id) is None


def test_stopped_answer_is_marked_stopped(qtbot, make_app, tmp_path):
    app = make_app(max_new_tokens=4000)
    (record_id,) = app.add_paths([write_noise(tmp_path / "a.png")])
    qtbot.waitUntil(lambda: bool(app.records[record_id].partial), timeout=60_000)
    app.stop()
    wait_answered(qtbot, app, record_id)
    store = stored(app)
    record = store.get(app.stored_id(record_id))
    assert record.state is State.STOPPED
    assert record.turns[0].answer == app.records[record_id].partial


def test_follow_up_and_edit_update_the_record(qtbot, app, tmp_path):
    (record_id,) = app.add_paths([write_noise(tmp_path / "a.png")])
    wait_answered(qtbot, app, record_id)
    app.flush_history()
    store_id = app.stored_id(record_id)
    app.window.view.follow_up.setText("what colour?")
    app.window.view.ask_button.click()
    qtbot.waitUntil(lambda: len(app.records[record_id].turns) == 2 and not app.records[record_id].busy)
    qtbot.waitUntil(lambda: len(stored(app).get(store_id).turns) == 2, timeout=10_000)
    assert stored(app).get(store_id).turns[1].question == "what colour?"
    app.window.toggle_source()
    app.window.view.source.setPlainText("my own words")
    qtbot.waitUntil(lambda: stored(app).get(store_id).text == "my own words", timeout=10_000)
    assert stored(app).count() == 1


def add_direct(store: HistoryStore, text: str, seed: int = 0) -> int:
    image = noise_image(40, 30, seed)
    return store.add(NewRecord(Source.SNIP, [NewPage(image, [Turn("q", text)])], name="snip", mode="text"))


def test_restart_shows_old_records_and_search_highlights(qtbot, make_app):
    store = open_folder(data_dir())
    add_direct(store, "invoice 2024 total", 1)
    add_direct(store, "shopping list apples", 2)
    store.close()
    app = make_app(wait_ready=False)
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 2)
    assert "apples" in app.window.history.model.data(app.window.history.model.index(0))  # newest first
    app.window.history.focus_search()
    qtbot.keyClicks(app.window.history.search, "invo")
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 1)
    html = app.window.history.model.data(app.window.history.model.index(0), Qt.ItemDataRole.UserRole + 2)
    assert "<b>invoice</b>" in html
    # selecting an old record shows its answer; copy works on it
    app.window.history.list_view.setCurrentIndex(app.window.history.model.index(0))
    assert "invoice 2024 total" in app.window.view.source.toPlainText()
    app.window.copy_plain_text()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text().strip() == "invoice 2024 total"
    record_id = app.window.history.current_id()
    qtbot.waitUntil(lambda: not app.window.view.image_view.picture.isNull())  # read back off the GUI thread
    assert app.stored_id(record_id) is not None
    app.window.history.search.clear()
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 2)


def test_a_returning_users_newest_record_is_shown_with_its_picture_fitted(qtbot, make_app):
    from tests.ui.test_document_pages import fitted

    store = open_folder(data_dir())
    add_direct(store, "older words", 1)
    add_direct(store, "newest words", 2)
    store.close()
    app = make_app(wait_ready=False)
    view = app.window.view.image_view
    qtbot.waitUntil(lambda: "newest words" in app.window.view.source.toPlainText())
    qtbot.waitUntil(lambda: not view.picture.isNull())  # read back off the GUI thread
    qtbot.waitUntil(lambda: fitted(view), timeout=5_000)


def test_delete_and_clear_all(qtbot, make_app, monkeypatch):
    store = open_folder(data_dir())
    ids = [add_direct(store, f"record {n}", n) for n in range(3)]
    paths = [store.image_path(i) for i in ids]
    store.close()
    app = make_app(wait_ready=False)
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 3)
    app.window.history.list_view.setCurrentIndex(app.window.history.model.index(0))
    app.window.history.list_view.setFocus()
    app.window.history.delete_action.trigger()
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 2)
    app.flush_history()
    assert paths[2].exists(), "kept while the status bar offers Undo"
    app.window.history.undo_delete.commit()  # the offer ends
    app.flush_history()
    assert not paths[2].exists() and stored(app).get(ids[2]) is None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    app.window.history.clear_all()
    assert stored(app).count() == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    app.window.history.clear_all()
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 0)
    assert stored(app).count() == 0 and not any(p.exists() for p in paths)


def test_history_off_writes_nothing(qtbot, make_app, tmp_path):
    app = make_app(keep_history=False)
    (record_id,) = app.add_paths([write_noise(tmp_path / "a.png")])
    wait_answered(qtbot, app, record_id)
    store = stored(app)
    assert not store.on_disk and store.count() == 1  # listed this run, in memory only
    assert not (data_dir() / DB_NAME).exists()
    assert app.window.history.model.rowCount() == 1


def test_private_snip_is_never_recorded(qtbot, app):
    from PySide6.QtGui import QImage

    app._snip_private = True  # as start_private_snip() sets it, without the overlays
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    app.snips.taken.emit(image, None)
    record_id = app.window.history.current_id()
    assert record_id in app.window.history.sync.private
    wait_answered(qtbot, app, record_id)
    assert stored(app).count() == 0
    assert "private" in app.window.history.model.data(app.window.history.model.index(0))
    app.window.history.keeper.focus(None)


def test_corrupt_database_warns_once_and_the_app_works(qtbot, make_app, tmp_path):
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DB_NAME).write_bytes(b"this is not a database" * 100)
    app = make_app()
    qtbot.waitUntil(lambda: bool(app.window.history.warning))
    assert "moved" in app.window.history.warning
    (record_id,) = app.add_paths([write_noise(tmp_path / "a.png")])
    wait_answered(qtbot, app, record_id)
    assert stored(app).count() == 1
    # Still said once the status bar has moved on, in full.
    app.window.statusBar().showMessage("something else")
    notice = app.window.history.notice
    assert not notice.isHidden() and notice.text() == app.window.history.warning and notice.wordWrap()


def test_kill_9_keeps_the_finished_record(tiny_model, tmp_path):
    env = {
        **os.environ,
        "DESKTOP_OCR_DATA_DIR": str(tmp_path / "data"),
        "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini"),
        # An instance of its own: no window another test left on this display takes its image.
        "DESKTOP_OCR_INSTANCE": f"kill-9-{uuid.uuid4().hex[:12]}",
    }
    image = write_noise(tmp_path / "kill.png")
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_ocr", "--model", str(tiny_model), "--device", "cpu",
         "--max-new-tokens", "16", str(image)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        found = None
        deadline = time.monotonic() + 240  # a cold start under a loaded CI machine took ~150 s
        while found is None and time.monotonic() < deadline and process.poll() is None:
            if (tmp_path / "data" / DB_NAME).exists():
                store = open_folder(tmp_path / "data")
                found = store.search("", limit=1)
                found = found or None
                store.close()
            if found is None:
                time.sleep(0.2)  # polling the database, as qtbot.waitUntil does
        if not found:  # what the app said, alive or not, rather than a bare timeout
            process.kill()
            assert process.stderr is not None
            pytest.fail(f"not recorded; the app said:\n{process.stderr.read().decode()[-4000:]}")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    store = open_folder(tmp_path / "data")
    (summary,) = store.list()
    assert summary.name == str(image) and summary.state is State.DONE
    assert store.image_path(summary.id).exists()


@pytest.mark.subprocess
def test_kill_9_the_moment_an_answer_is_said_keeps_it(tiny_model, tmp_path):
    """A full-HD image (whose PNG takes a while to make): killed at 0 ms after the answer's log
    line, which comes once the window has it as finished, the record and its image are kept."""
    env = {
        **os.environ,
        "DESKTOP_OCR_DATA_DIR": str(tmp_path / "data"),
        "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini"),
        # An instance of its own: no window another test left on this display takes its image.
        "DESKTOP_OCR_INSTANCE": f"kill-9-{uuid.uuid4().hex[:12]}",
    }
    image = write_noise(tmp_path / "full-hd.png", 1920, 1080)
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_ocr", "--verbose", "--model", str(tiny_model), "--device", "cpu",
         "--dtype", "float32", "--max-new-tokens", "4", str(image)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    said = []
    try:
        assert process.stderr is not None
        for line in process.stderr:  # pytest-timeout bounds this if the answer never comes
            said.append(line)
            if line.startswith(f"desktop-ocr: {image.name}: image "):
                process.send_signal(signal.SIGKILL)  # at once: no grace for a writer thread
                break
    finally:
        process.kill()
        process.wait()
    assert any(line.startswith(f"desktop-ocr: {image.name}: image ") for line in said), "".join(said)
    store = open_folder(tmp_path / "data")
    (summary,) = store.list()
    assert summary.name == str(image) and summary.state is State.DONE
    assert store.image(summary.id) is not None and store.get(summary.id).pages[0].width == 1920


@pytest.mark.parametrize("count", [10_000])
def test_ten_thousand_records_open_lazily(qtbot, make_app, count, monkeypatch):
    """The list reads one page of rows, and pictures only for the rows painted; how fast that is
    is bench/history_open.py's (against an empty history, in the same run)."""
    from desktop_ocr.history import PageImage
    from desktop_ocr.ui.history.list_model import PAGE

    store = open_folder(data_dir())
    image = PageImage.encode(noise_image(40, 30, 0))
    with monkeypatch.context() as setup:
        # Filling the history, not testing it: one fsync per image file took 25 of this test's 30 s.
        setup.setattr(os, "fsync", lambda _fd: None)
        with store.batch():
            for n in range(count):
                store.add(NewRecord(Source.SNIP, [NewPage(image, [Turn("q", f"answer {n}")])], name="snip"))
    store.close()
    listed: list[int] = []  # rows each store query returned
    thumbnails: list[int] = []  # records whose picture was read
    real_list, real_thumbnail = HistoryStore.list, HistoryStore.thumbnail

    def counted_list(self, *args, **kwargs):
        rows = real_list(self, *args, **kwargs)
        listed.append(len(rows))
        return rows

    def counted_thumbnail(self, record_id, *args, **kwargs):
        thumbnails.append(record_id)
        return real_thumbnail(self, record_id, *args, **kwargs)

    monkeypatch.setattr(HistoryStore, "list", counted_list)
    monkeypatch.setattr(HistoryStore, "thumbnail", counted_thumbnail)
    app = make_app(wait_ready=False)
    model, view = app.window.history.model, app.window.history.list_view
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=60_000)
    view.viewport().repaint()
    assert model.rowCount() == PAGE and sum(listed) == PAGE  # one page read, not 10,000 rows
    assert "answer 9999" in model.data(model.index(0))  # newest first
    port = view.viewport().rect()
    painted = [r for r in range(model.rowCount()) if view.visualRect(model.index(r)).intersects(port)]
    # Pictures of the rows on screen only, and of the one row Qt measures for the uniform row
    # height (the delegate's size hint reads that row's style options); not the page's 100.
    assert painted and len(set(thumbnails)) <= len(painted) + 1
    view.scrollToBottom()  # reaching the end of the page asks for the next one
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE, timeout=60_000)
    assert sum(listed) == 2 * PAGE and "answer 9899" in model.data(model.index(PAGE))
