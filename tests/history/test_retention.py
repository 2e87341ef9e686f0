"""Keep N days / N records: applied when the history opens and after each add; by default, forever."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from desktop_ocr.config import Settings
from desktop_ocr.history import HistoryStore, Retention, open_folder

from .conftest import record


def test_keep_n_records_drops_the_oldest_after_each_add(folder: Path) -> None:
    store = open_folder(folder, Retention(records=3))
    ids = [store.add(record(f"answer {n}")) for n in range(5)]
    assert [s.id for s in store.list()] == ids[:1:-1]
    assert store.get(ids[0]) is None
    assert [s.id for s in store.search("answer")] == ids[:1:-1]
    assert len(list((folder / "images").iterdir())) == 3


def backdate(folder: Path, record_id: int, days: float) -> None:
    db = sqlite3.connect(folder / "history.sqlite3")
    db.execute("UPDATE records SET created = ? WHERE id = ?", (time.time() - days * 86400, record_id))
    db.commit()
    db.close()


def test_keep_n_days_applies_at_open(folder: Path) -> None:
    store = open_folder(folder)
    old = store.add(record("ancient"))
    recent = store.add(record("fresh"))
    store.close()
    backdate(folder, old, 10)
    store = open_folder(folder, Retention(days=7))
    assert [s.id for s in store.list()] == [recent]


def test_changing_the_limits_applies_them_now(store: HistoryStore) -> None:
    for n in range(4):
        store.add(record(f"r{n}"))
    assert store.set_retention(Retention(records=1)) == 3
    assert store.count() == 1
    assert store.set_retention(Retention()) == 0
    store.add(record("unlimited again"))
    assert store.count() == 2


def test_a_fresh_profile_keeps_every_record_however_old_across_restarts(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the default settings promise: a history on disk, no age limit, no count limit."""
    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(folder))
    store = Settings().open_history()
    ids = [store.add(record(f"answer {n}")) for n in range(3)]
    store.close()
    backdate(folder, ids[0], 20 * 365)
    store = Settings().open_history()  # the next start
    assert [s.id for s in store.list()] == ids[::-1]
    store.add(record("one more"))  # retention also runs after an add
    assert store.count() == 4 and store.get(ids[0]) is not None
    store.close()
