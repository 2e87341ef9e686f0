"""The window end to end on the tiny model: inputs, streaming, stop, follow-ups, errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from desktop_ocr.core.records import SourceKind, State
from desktop_ocr.engine import Conversation, EngineOptions, PixelBudget, StopReason, load_image, prompt_for
from desktop_ocr.engine.images import visual_tokens_for
from tests.conftest import noise_image
from tests.ui.conftest import MAX_NEW, write_noise


def drop(app, mime: QMimeData) -> None:
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    app.window.dropEvent(event)


def wait_done(qtbot, app, item_id, timeout=60_000):
    qtbot.waitUntil(
        lambda: app.records[item_id].state in (State.DONE, State.FAILED, State.CANCELLED), timeout=timeout
    )
    return app.records[item_id]


def cli_answer(backend, source, mode="text", max_new=MAX_NEW):
    return backend.generate(
        Conversation.start(load_image(source), prompt_for(mode)), max_new_tokens=max_new
    ).text


def test_dropped_files_run_in_order_and_match_the_cli(qtbot, app, backend, tmp_path):
    paths = [write_noise(tmp_path / f"img{i}.png", seed=i) for i in range(2)]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    drop(app, mime)
    ids = sorted(app.records)
    assert len(ids) == 2
    for item_id, path in zip(ids, paths, strict=True):
        item = wait_done(qtbot, app, item_id)
        assert item.state is State.DONE
        assert item.transcript() == cli_answer(backend, path)
    app.window.history.list_view.setCurrentIndex(
        app.window.history.model.index(app.window.history.model.row_of(ids[0]))
    )
    assert app.window.view.pane.text == app.records[ids[0]].transcript()
    assert app.window.history.model.record_id(0) == ids[1]  # newest first


def test_raw_png_bytes_drop(qtbot, app, backend):
    data = io.BytesIO()
    noise_image(200, 80, seed=9).save(data, "PNG")
    mime = QMimeData()
    mime.setData("image/png", data.getvalue())
    assert not mime.hasImage()  # why the window reads the formats itself
    drop(app, mime)
    (item_id,) = app.records
    item = wait_done(qtbot, app, item_id)
    assert item.transcript() == cli_answer(backend, data.getvalue())


def test_things_that_are_not_images_get_one_status_message(qtbot, app, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(text_file)), QUrl.fromLocalFile(str(pdf))])
    drop(app, mime)
    qtbot.waitUntil(lambda: app.records == {}, timeout=10_000)  # refused off the GUI thread
    message = app.window.statusBar().currentMessage()
    assert ("notes.txt" in message or "doc.pdf" in message) and "1 more" in message
    assert app.window.error_box is None


def test_paste_an_image_and_a_file_path(qtbot, app, tmp_path):
    clipboard = QGuiApplication.clipboard()
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    clipboard.setImage(image)
    qtbot.waitUntil(lambda: clipboard.mimeData().hasImage(), timeout=5000)
    app.window.paste()
    assert len(app.records) == 1
    path = write_noise(tmp_path / "copied name.png")
    clipboard.setText(str(path))
    qtbot.waitUntil(lambda: clipboard.text() == str(path), timeout=5000)
    app.window.paste()
    assert [item.name for item in app.records.values()][-1] == "copied name.png"


def test_the_answer_streams_into_the_pane(qtbot, make_app, tmp_path):
    app = make_app(max_new_tokens=200)
    seen: list[str] = []
    app.session.chunk.connect(lambda _rid, _text: seen.append(app.window.view.pane.text))
    renders_before = app.window.view.pane.renders
    (item_id,) = app.add_paths([write_noise(tmp_path / "long.png", seed=3)])
    wait_done(qtbot, app, item_id)
    assert len(seen) > 3
    assert len(set(seen)) > 3  # the pane's text grew chunk by chunk
    assert app.window.view.pane.renders - renders_before >= 2
    assert app.window.view.pane.text == app.records[item_id].transcript()


def test_stop_cancels_and_keeps_the_partial_answer(qtbot, make_app, tmp_path):
    app = make_app(max_new_tokens=400)
    app.session.chunk.connect(lambda *_: app.stop())
    (item_id,) = app.add_paths([write_noise(tmp_path / "a.png", seed=4)])
    item = wait_done(qtbot, app, item_id)
    assert item.state is State.CANCELLED
    assert item.stats is not None and item.stats.stop_reason is StopReason.CANCELLED
    assert item.stats.new_tokens < 400


def test_follow_up_question(qtbot, app, tmp_path):
    (item_id,) = app.add_paths([write_noise(tmp_path / "f.png", seed=5)])
    wait_done(qtbot, app, item_id)
    first = app.records[item_id].transcript()
    app.window.view.follow_up.setText("What is in the corner?")
    app.window.view.ask_button.click()
    item = wait_done(qtbot, app, item_id)
    assert len(item.turns) == 2 and item.turns[1].answer is not None
    assert item.transcript().startswith(first)
    assert "What is in the corner?" in item.transcript()
    assert "What is in the corner?" in app.window.view.pane.toPlainText()


def test_an_image_given_before_the_model_is_ready_waits(qtbot, make_app, tmp_path, backend):
    app = make_app(wait_ready=False)
    path = write_noise(tmp_path / "early.png", seed=6)
    (item_id,) = app.add_paths([path])
    # No event has been processed yet, so the model cannot have been reported ready.
    assert not app.model_ready and app.records[item_id].state is State.OPENING
    qtbot.waitUntil(lambda: app.records[item_id].state is not State.OPENING, timeout=10_000)
    item = wait_done(qtbot, app, item_id, timeout=120_000)
    assert item.transcript() == cli_answer(backend, path)


def test_pixel_budget_setting_reaches_the_engine(qtbot, make_app, tmp_path):
    app = make_app(min_pixels=3136, max_pixels=3136 * 4)
    (item_id,) = app.add_paths([write_noise(tmp_path / "b.png", 600, 600)])
    item = wait_done(qtbot, app, item_id)
    budget = PixelBudget(3136, 3136 * 4)
    assert item.stats.visual_tokens == visual_tokens_for((600, 600), budget) <= 16
    assert visual_tokens_for((600, 600), EngineOptions().budget) > 16  # the default would differ


def test_editing_the_source_updates_the_rendered_view(qtbot, app, tmp_path):
    (item_id,) = app.add_paths([write_noise(tmp_path / "e.png")])
    wait_done(qtbot, app, item_id)
    app.window.toggle_source()
    assert app.window.view.stack.currentWidget() is app.window.view.source
    app.window.view.source.setPlainText("Fixed: $x^2$ and **bold**")
    app.window.toggle_source()
    assert app.records[item_id].transcript() == "Fixed: $x^2$ and **bold**"
    assert "Fixed:" in app.window.view.pane.toPlainText() and "**" not in app.window.view.pane.toPlainText()
    assert len(app.window.view.pane.document_model.formulas) == 1


def test_missing_model_shows_an_actionable_dialog_and_the_app_lives(qtbot, make_app, tmp_path):
    app = make_app(wait_ready=False, model=str(tmp_path / "no-such-model"))
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=60_000)
    assert "no-such-model" in app.window.error_box.text()
    assert "Settings" in app.window.error_box.informativeText()
    assert app.window.status.label.text() == "no model"
    (item_id,) = app.add_paths([write_noise(tmp_path / "x.png")])
    qtbot.waitUntil(lambda: app.records[item_id].state is not State.OPENING, timeout=10_000)
    assert app.records[item_id].state is State.QUEUED  # kept for when a model loads


def ctrl_wheel(view, steps: int) -> None:
    """Ctrl + mouse wheel over the picture, `steps` notches (positive: away from the user)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(view.viewport().rect().center())
    event = QWheelEvent(
        centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(view.viewport(), event)


def shown_size(view) -> tuple[float, float]:
    """The picture's size on screen, in viewport pixels."""
    shown = view.mapFromScene(view.sceneRect()).boundingRect()
    return shown.width(), shown.height()


def test_zoom_and_fit(qtbot, app, tmp_path):
    from PySide6.QtTest import QTest

    app.add_paths([write_noise(tmp_path / "z.png", 800, 600)])
    view = app.window.view.image_view
    qtbot.waitUntil(lambda: view.sceneRect().size().toSize().toTuple() == (800, 600), timeout=30_000)
    port = view.viewport().rect()
    # Fitted: the whole picture shows, as large as the panel allows (Qt's fitInView keeps 2 px).
    fitted = min((port.width() - 4) / 800, (port.height() - 4) / 600)
    assert abs(view.scale_factor - fitted) < 1e-6 and view.fitted
    width, height = shown_size(view)
    assert width <= port.width() and height <= port.height()
    assert max(width / port.width(), height / port.height()) > 0.95  # touches two sides
    ctrl_wheel(view, 1)
    assert abs(view.scale_factor - fitted * 1.25) < 1e-6 and not view.fitted
    ctrl_wheel(view, 1)
    assert abs(view.scale_factor - fitted * 1.25 * 1.25) < 1e-6
    assert shown_size(view)[0] > port.width() or shown_size(view)[1] > port.height()  # now larger
    ctrl_wheel(view, -1)
    assert abs(view.scale_factor - fitted * 1.25 * 1.25 * 0.8) < 1e-6
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=port.center())
    assert abs(view.scale_factor - fitted) < 1e-6 and view.fitted
    width, height = shown_size(view)
    assert width <= port.width() and height <= port.height()


CLOSE_DURING_GENERATION = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from desktop_ocr.ui.application import App
    from desktop_ocr.core.settings_store import Settings

    qt_app = QApplication(sys.argv[:1])
    store = QSettings(sys.argv[3], QSettings.Format.IniFormat)
    app = App(Settings(model=sys.argv[1], device="cpu", dtype="float32",
                       max_new_tokens=5000), store, persist=False)
    app.window.show()
    app.add_paths([sys.argv[2]])
    closed = []
    def close_once(*_):
        if not closed:
            closed.append(True)
            app.window.close()
    app.session.chunk.connect(close_once)
    qt_app.setQuitOnLastWindowClosed(True)
    QTimer.singleShot(120000, qt_app.quit)
    code = qt_app.exec()
    print("closed during generation" if closed else "never streamed")
    sys.exit(code)
    """
)


def test_closing_during_a_generation_cancels_and_joins(tiny_model, tmp_path):
    image = write_noise(tmp_path / "c.png", seed=7)
    result = subprocess.run(
        [sys.executable, "-c", CLOSE_DURING_GENERATION, str(tiny_model), str(image), str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "closed during generation" in result.stdout
    assert "QThread: Destroyed" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_window_over_an_openai_compatible_server(qtbot, make_app, server, backend, tmp_path):
    app = make_app(server_url=server)
    assert server in app.session.description
    path = write_noise(tmp_path / "srv.png", seed=12)
    (item_id,) = app.add_paths([path])
    item = wait_done(qtbot, app, item_id)
    assert item.state is State.DONE
    # A stream drops a trailing incomplete UTF-8 character; otherwise the same answer.
    assert item.transcript() == cli_answer(backend, path).rstrip("\ufffd")


def test_settings_dialog_tests_the_connection(qtbot, app, server, tiny_model):
    from desktop_ocr.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(app.settings, app.window)
    qtbot.addWidget(dialog)
    dialog.editor("server_url").input.setText(server)
    with qtbot.waitSignal(dialog.connection_tested, timeout=30_000):
        dialog.test_connection()
        assert dialog.connection_result.text() == "testing…"  # off the GUI thread: not answered yet
    assert dialog.connection_result.text() == f"✓ serves: {tiny_model}"
    dialog.editor("server_url").input.setText("http://127.0.0.1:9/v1")
    with qtbot.waitSignal(dialog.connection_tested, timeout=30_000):
        dialog.test_connection()
    assert dialog.connection_result.text().startswith("✗ cannot connect")
    assert dialog.result_settings().server_url == "http://127.0.0.1:9/v1"


def test_a_fifo_is_refused_without_freezing_the_window(qtbot, app, tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(fifo))])
    drop(app, mime)
    qtbot.waitUntil(lambda: "not a regular file" in app.window.statusBar().currentMessage(), timeout=10_000)
    assert app.records == {} and app.window.error_box is None


def test_hints_are_worded_as_settings_not_flags():
    from desktop_ocr.core.failures import HINT_WORDS, Failure, FailureKind, word_run_failure
    from desktop_ocr.engine import Hint

    assert set(HINT_WORDS) == set(Hint)
    assert all("--" not in words for words in HINT_WORDS.values())
    # A document's password and dpi are given when it is opened, not in Settings.
    per_document = {Hint.GIVE_PASSWORD, Hint.LOWER_DPI}
    assert all("Settings" in words for hint, words in HINT_WORDS.items() if hint not in per_document)
    assert all("Open it again" in HINT_WORDS[hint] for hint in per_document)
    wording = word_run_failure(Failure(FailureKind.OUT_OF_MEMORY, "out of memory", Hint.LOWER_MAX_PIXELS))
    assert "maximum pixels in Settings" in wording.hint and wording.offer_settings


def test_recognize_again_before_the_model_is_ready_is_clean(qtbot, make_app, tmp_path, backend):
    # The bug of issue 10: the stale queued request answered, then the item failed with
    # "no question is waiting for an answer".
    app = make_app(wait_ready=False)
    path = write_noise(tmp_path / "early.png", seed=13)
    # Decoded here and queued at once: no event has run, so the model cannot be ready yet.
    item_id = app.session.add("early.png", SourceKind.FILE, load_image(path), "text", prompt_for("text"))
    app.window.history.list_view.setCurrentIndex(
        app.window.history.model.index(app.window.history.model.row_of(item_id))
    )
    assert not app.model_ready and app.records[item_id].state is State.QUEUED
    app.window.again_action.trigger()
    app.window.again_action.trigger()
    item = wait_done(qtbot, app, item_id, timeout=120_000)
    assert item.state is State.DONE and app.window.error_box is None
    assert item.transcript() == cli_answer(backend, path)
