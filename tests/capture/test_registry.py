"""The capture registry: the handlers it runs, against the Qt-free list of their names."""

from __future__ import annotations


def test_one_list_names_every_capture_handler():
    """The registry runs exactly the handlers the Qt-free list names, in its order."""
    from desktop_ocr.capture.names import HANDLER_NAMES
    from desktop_ocr.capture.registry import all_handlers

    assert [handler.name for handler in all_handlers()] == list(HANDLER_NAMES)
