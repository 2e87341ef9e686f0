"""The App's flows on a scripted backend: what happens when an answer ends, Stop, the window's intents."""

from __future__ import annotations

import threading

from PySide6.QtGui import QGuiApplication

from desktop_ocr.core.incoming import SourceKind, from_paths
from desktop_ocr.core.records import State
from tests.scripted_backend import ScriptedBackend, scripted_factory
from tests.ui.conftest import write_noise


def test_an_answer_is_recorded_copied_and_announced_once(qtbot, make_app, tmp_path):
    app = make_app(backend_factory=scripted_factory(ScriptedBackend()), auto_copy=True)
    ended: list[int] = []
    app.answer_ended.connect(ended.append)
    with qtbot.waitSignal(app.answer_ended, timeout=30_000):
        (record_id,) = app.add_paths([write_noise(tmp_path / "a.png", 120, 40)])
    record = app.records[record_id]
    assert record.state is State.DONE
    assert record.transcript() == f"answer to '{record.question}' on a 120×40 image"
    assert QGuiApplication.clipboard().text() == record.transcript()  # auto-copy: it is the shown one
    app.flush_history()
    stored = app.history_store.get(app.stored_id(record_id))
    assert stored is not None and stored.text == record.transcript() and stored.model == "scripted"
    assert ended == [record_id]


def test_stop_ends_a_held_answer_and_keeps_what_came(qtbot, make_app, tmp_path):
    gate = threading.Event()
    app = make_app(backend_factory=scripted_factory(ScriptedBackend(gate)))
    (record_id,) = app.add_paths([write_noise(tmp_path / "a.png", 120, 40)])
    qtbot.waitUntil(lambda: app.records[record_id].transcript() != "", timeout=30_000)
    with qtbot.waitSignal(app.answer_ended, timeout=30_000):
        app.window.stop_action.trigger()  # the window's intent, answered by the App
    assert app.records[record_id].state is not State.DONE
    gate.set()


def test_the_windows_intents_reach_the_apps_verbs(qtbot, make_app, tmp_path):
    backend = ScriptedBackend()
    app = make_app(backend_factory=scripted_factory(backend))
    image = write_noise(tmp_path / "a.png", 120, 40)
    with qtbot.waitSignal(app.answer_ended, timeout=30_000):
        app.window.incoming_given.emit(from_paths([image], SourceKind.FILE), None)
    (record_id,) = app.records
    assert app.window.history.current_id() == record_id  # the new record is the shown one
    with qtbot.waitSignal(app.answer_ended, timeout=30_000):
        app.window.again_action.trigger()
    assert backend.calls == 2 and len(app.records[record_id].turns) >= 1
    app.window.view.follow_up.setText("and the colour?")
    with qtbot.waitSignal(app.answer_ended, timeout=30_000):
        app.window.view.ask_button.click()
    assert app.records[record_id].turns[-1].question == "and the colour?"
