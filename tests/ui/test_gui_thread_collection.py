"""Cyclic garbage is collected on the GUI thread only: Qt objects in a cycle never die on another thread."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from desktop_ocr.core.collector import GuiThreadCollector
from tests.scripted_backend import ScriptedBackend, scripted_factory


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()  # made on the GUI thread, as the window's objects are


def _garbage_cycle(died_on: list[str]) -> None:
    cycle = _Cycle()
    weakref.finalize(cycle, lambda: died_on.append(threading.current_thread().name))


def _allocate_on_another_thread() -> list:
    """A thread allocates (and keeps) enough containers for a young-generation collection to fall due."""
    kept: list = []

    def allocate() -> None:
        kept.extend([index] for index in range(20 * gc.get_threshold()[0]))

    thread = threading.Thread(target=allocate, name="engine-like")
    thread.start()
    thread.join()
    return kept


def test_a_cycle_holding_a_qt_object_is_collected_on_the_gui_thread_not_the_allocating_one(qtbot):
    collector = GuiThreadCollector(interval_ms=20)
    collector.start()
    try:
        gc.collect()
        died_on: list[str] = []
        _garbage_cycle(died_on)
        kept = _allocate_on_another_thread()
        assert died_on == []  # the other thread's allocations collected nothing
        qtbot.waitUntil(lambda: died_on != [], timeout=10_000)  # the timer's check, on this thread
        assert died_on == [threading.current_thread().name]
        del kept
    finally:
        collector.stop()
    assert gc.isenabled()  # stopped: automatic collection is back


def test_a_dropped_model_is_collected_on_the_gui_thread_when_the_next_one_loads(qtbot, make_app):
    app = make_app(backend_factory=scripted_factory(ScriptedBackend()))
    qtbot.waitUntil(lambda: app.model_ready, timeout=30_000)
    assert not gc.isenabled()  # the App runs every collection itself
    before = app.collector.collections
    with qtbot.waitSignal(app.session.model_ready, timeout=30_000):
        app.session.load()  # Settings changed the model: the old backend is dropped on the worker
    qtbot.waitUntil(lambda: app.collector.collections > before, timeout=10_000)
