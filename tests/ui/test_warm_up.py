"""Issue 9: the worker warms the real backend up after loading, before it says ready."""

from __future__ import annotations

from desktop_ocr.core.settings_store import Settings
from desktop_ocr.core.worker import EngineWorker


def test_the_window_warms_the_model_up_before_ready(make_app, qtbot):
    app = make_app(wait_ready=False)
    said: list[str] = []
    app.session.status.connect(said.append)
    qtbot.waitUntil(lambda: app.model_ready, timeout=120_000)
    assert app.session.worker.backend.warm_ups == 1
    assert any("warming up" in line for line in said)
    # The loader's lines (loading, warming up) went with the ready model: none stays behind.
    assert app.window.statusBar().currentMessage() == ""


def test_shutting_down_during_the_warm_up_cuts_it_short(tiny_model):
    worker = EngineWorker()
    ready: list[str] = []
    worker.signals.ready.connect(ready.append)

    def on_status(line: str) -> None:
        if "warming up" in line:
            worker.shut_down()  # the app closes while the model warms up

    worker.signals.status.connect(on_status)  # same thread here: delivered at once
    options = Settings(model=str(tiny_model), device="cpu", dtype="float32").engine_options()
    worker.load(options)
    assert worker.backend is not None and worker.backend.warm_ups == 1
    assert ready == []  # closing: no "ready" for a window that is going away
    worker.release()
