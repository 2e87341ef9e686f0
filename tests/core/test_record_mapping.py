"""A session record as the store keeps it: the time it was made travels with it."""

from __future__ import annotations

from datetime import datetime

from desktop_ocr.core.record_mapping import new_record_for
from desktop_ocr.core.records import Record, SourceKind
from desktop_ocr.history import State as StoreState


def test_the_stored_record_keeps_the_time_the_image_came_in():
    came_in = datetime(2026, 11, 30, 19, 14, 5)  # local time, as the window shows it
    record = Record(1, SourceKind.FILE, "a.png", "text", "Read the text", created=came_in)
    stored = new_record_for(record, None, StoreState.DONE, "", {})
    assert stored.created is not None
    assert datetime.fromtimestamp(stored.created) == came_in
