"""Codes in the window: read beside the answer off the GUI thread, shown above it (copy, open a
link only on a click), kept in the history, and the Codes mode that asks no model."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from desktop_ocr._dev.code_images import code_picture, text_screen, with_code
from desktop_ocr.codes import Code
from desktop_ocr.core.records import State
from desktop_ocr.ui.window.codes_strip import CodesStrip
from tests.ui.conftest import MAX_NEW
from tests.ui.test_window import cli_answer, wait_done

URL = "https://example.org/menu?table=7"
EAN = "4006381333931"


@pytest.fixture(autouse=True)
def own_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(tmp_path / "history"))


@pytest.fixture
def with_codes(tmp_path):
    image = with_code(text_screen((800, 500), seed=2), code_picture(URL, "QRCode"), (40, 60))
    image = with_code(image, code_picture(EAN, "EAN13", scale=2), (380, 260))
    path = tmp_path / "codes.png"
    image.save(path)
    return path


def wait_codes(qtbot, app, record_id):
    qtbot.waitUntil(lambda: app.records[record_id].codes is not None, timeout=30_000)
    return app.records[record_id].codes


def buttons(strip: CodesStrip, text: str) -> list[QPushButton]:
    return [button for button in strip.findChildren(QPushButton) if button.text() == text]


def test_codes_are_read_off_the_gui_thread_beside_the_answer(qtbot, app, backend, with_codes, monkeypatch):
    import desktop_ocr.core.code_search as code_search

    threads = []
    real = code_search.read_codes

    def spy(image):
        threads.append(threading.current_thread())
        return real(image)

    monkeypatch.setattr(code_search, "read_codes", spy)
    (record_id,) = app.add_paths([with_codes])
    codes = wait_codes(qtbot, app, record_id)
    record = wait_done(qtbot, app, record_id)
    assert [(code.format, code.text) for code in codes] == [("QR Code", URL), ("EAN-13", EAN)]
    assert record.transcript() == cli_answer(backend, with_codes, max_new=MAX_NEW)  # the model ran
    assert threads and threading.main_thread() not in threads
    strip = app.window.view.codes
    assert strip.isVisible()
    assert [code.text for code in strip.codes] == [URL, EAN]


def test_copy_and_open_only_on_a_click_and_only_for_http(qtbot, app, with_codes):
    (record_id,) = app.add_paths([with_codes])
    wait_codes(qtbot, app, record_id)
    wait_done(qtbot, app, record_id)
    strip = app.window.view.codes
    opened: list[QUrl] = []
    strip.open_url = opened.append
    qtbot.waitUntil(lambda: len(buttons(strip, "Copy")) == 2)
    assert len(buttons(strip, "Open")) == 1  # the EAN-13 is no link
    assert opened == []  # nothing opens by itself
    buttons(strip, "Copy")[1].click()
    assert QGuiApplication.clipboard().text() == EAN
    buttons(strip, "Open")[0].click()
    assert opened == [QUrl(URL)]


def test_a_code_free_image_shows_no_codes(qtbot, app, tmp_path):
    path = tmp_path / "plain.png"
    text_screen((640, 400), seed=5).save(path)
    (record_id,) = app.add_paths([path])
    assert wait_codes(qtbot, app, record_id) == ()
    wait_done(qtbot, app, record_id)
    assert not app.window.view.codes.isVisible()


def test_a_strip_never_follows_a_javascript_or_file_code(qtbot):
    strip = CodesStrip()
    qtbot.addWidget(strip)
    corners = ((0, 0), (1, 0), (1, 1), (0, 1))
    strip.set_codes(
        [Code("QR Code", "javascript:alert(1)", corners), Code("QR Code", "file:///etc", corners)]
    )
    assert buttons(strip, "Open") == []
    assert len(buttons(strip, "Copy")) == 2


def test_codes_mode_asks_no_model_and_is_kept_in_the_history(qtbot, make_app, with_codes, tmp_path):
    app = make_app(mode="codes")
    assert app.window.question.mode_box.currentText() == "Codes"
    runs = []
    app.session.worker.signals.finished.connect(lambda *args: runs.append(args))
    (record_id,) = app.add_paths([with_codes])
    record = wait_done(qtbot, app, record_id)
    assert record.state is State.DONE
    assert record.transcript() == f"{URL}\n{EAN}\n"
    assert record.turns == [] and runs == []  # the model was not asked
    app.flush_history()
    store = app.history_store
    store_id = app.stored_id(record_id)
    assert store_id is not None
    stored = store.get(store_id)
    assert [code.text for code in stored.codes] == [URL, EAN]
    assert stored.mode == "codes"
    assert [s.id for s in store.search(EAN)] == [store_id]


def test_answers_are_kept_with_their_codes_in_the_history(qtbot, app, with_codes):
    (record_id,) = app.add_paths([with_codes])
    wait_codes(qtbot, app, record_id)
    wait_done(qtbot, app, record_id)
    app.flush_history()
    store = app.history_store
    stored = store.get(app.stored_id(record_id))
    assert [code.text for code in stored.codes] == [URL, EAN]
    assert stored.text == app.records[record_id].transcript()


def test_an_older_record_shows_its_codes_when_selected(qtbot, make_app):
    from desktop_ocr.history import NewPage, NewRecord, Source, Turn, open_folder
    from desktop_ocr.history.paths import data_dir
    from tests.conftest import noise_image

    corners = ((4, 4), (40, 4), (40, 40), (4, 40))
    store = open_folder(data_dir())
    page = NewPage(
        noise_image(60, 40), [Turn("q", "Menu of the day")], codes=(Code("QR Code", URL, corners),)
    )
    store.add(NewRecord(Source.SNIP, [page], mode="text"))
    store.close()
    app = make_app(wait_ready=False)
    qtbot.waitUntil(lambda: app.window.history.model.rowCount() == 1)
    app.window.history.list_view.setCurrentIndex(app.window.history.model.index(0))
    strip = app.window.view.codes
    assert [code.text for code in strip.codes] == [URL]
    assert not strip.isHidden() and len(buttons(strip, "Open")) == 1  # (the welcome page may cover it)


def test_key_c_in_the_snip_overlay_reads_the_region_for_codes_only(qtbot, make_app, monkeypatch):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QImage

    from desktop_ocr.capture.geometry import Rect, ScreenGrab
    from desktop_ocr.core.records import to_qimage

    screen = with_code(text_screen((400, 300), seed=4), code_picture(URL, "QRCode", scale=3), (150, 80))
    image = to_qimage(screen).convertToFormat(QImage.Format.Format_RGB32)
    monkeypatch.setattr(
        "desktop_ocr.ui.snip.flow.grab_screens",
        lambda _handler: [ScreenGrab("test", Rect(0, 0, 400, 300), 1.0, image)],
    )
    app = make_app()
    runs = []
    app.session.worker.signals.finished.connect(lambda *args: runs.append(args))
    app.snip()
    qtbot.waitUntil(lambda: app.snips.overlays is not None, timeout=10_000)
    overlay = app.snips.overlays.overlays[0]
    qtbot.waitExposed(overlay)
    overlay.activateWindow()
    overlay.setFocus()
    qtbot.keyClick(overlay, Qt.Key.Key_C)
    assert overlay.banner.startswith("C: Codes")
    with qtbot.waitSignal(app.snip_ended, timeout=10_000):
        qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(130, 60))
        qtbot.mouseMove(overlay, QPoint(330, 260))
        qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(330, 260))
    (record_id,) = app.records
    record = wait_done(qtbot, app, record_id)
    assert record.codes_only and record.transcript() == f"{URL}\n"
    assert runs == []  # the model was not asked


def test_a_document_s_pages_keep_their_codes_in_the_history(qtbot, make_app, tmp_path):
    from desktop_ocr._dev.pdfs import make_pdf

    pdf = make_pdf(tmp_path / "ticket.pdf", [code_picture(URL, "QRCode", scale=6)], page_size=(300, 300))
    app = make_app(max_pixels=600 * 600, max_new_tokens=6)
    (record_id,) = app.add_paths([pdf])
    run = app.document_runs[record_id]
    qtbot.waitUntil(lambda: run.done, timeout=120_000)
    app.flush_history()
    store = app.history_store
    stored = store.get(app.stored_id(record_id))
    assert [(page.document_page, [code.text for code in page.codes]) for page in stored.pages] == [(1, [URL])]
    assert [s.id for s in store.search("example.org")] == [stored.id]
