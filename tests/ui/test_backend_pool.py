"""The window tests' backend pool (tests/ui/conftest.py): it must behave as a fresh load would."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import EngineOptions
from desktop_ocr.engine.errors import ModelLoadError
from desktop_ocr.engine.server import ServerOptions
from tests.ui.conftest import BackendPool


class Loaded:
    """Stands in for a loaded backend: state the worker changes after loading."""

    def __init__(self, options: EngineOptions) -> None:
        self.options = options
        self.warm_ups = 0


def test_live_backends_are_never_shared_and_come_back_as_loaded():
    calls: list[EngineOptions] = []

    def create(options, server=None, download_progress=None, status=None):
        calls.append(options)
        if options.model == "missing":
            raise ModelLoadError("cannot load missing")
        return Loaded(options)

    pool = BackendPool(create)
    options = EngineOptions(model="tiny", device="cpu", dtype="float32")
    first, second = pool.create_backend(options), pool.create_backend(options)
    assert first is not second and pool.loads == 2  # two windows alive at once: two backends
    first.warm_ups = 1
    pool.give_back()
    again = pool.create_backend(options)
    assert again in (first, second) and again.warm_ups == 0 and pool.loads == 2
    other = pool.create_backend(EngineOptions(model="tiny", device="cpu", dtype="float32", max_new_tokens=8))
    assert other is not first and other is not second and pool.loads == 3  # other options: a load
    for _ in range(2):  # a failure is never pooled: the real loader says it every time
        with pytest.raises(ModelLoadError):
            pool.create_backend(EngineOptions(model="missing"))
    server = ServerOptions(url="http://127.0.0.1:1/v1")
    pool.create_backend(options, server)
    pool.create_backend(options, server)
    assert len(calls) == 3 + 2 + 2  # servers are not pooled either
