"""Keep N days / N records: applied when the history opens and after each add."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from desktop_ocr.history import HistoryStore, Retention, open_folder

from .conftest import record


def test_keep_n_records_drops_the_oldest_after_each_add(folder: Path) -> None:
    store = open_folder(folder, Retention(records=3))
    ids = [store.add(record(f"answer {n}")) for n in range(5)]
    assert [s.id for s in store.list()] == ids[:1:-1]
    assert store.get(ids[0]) is None
    assert [s.id for s in store.search("answer")] == ids[:1:-1]
    assert len(list((folder / "images").iterdir())) == 3


def test_keep_n_days_applies_at_open(folder: Path) -> None:
    store = open_folder(folder)
    old = store.add(record("ancient"))
    recent = store.add(record("fresh"))
    store.close()
    db = sqlite3.connect(folder / "history.sqlite3")
    db.execute("UPDATE records SET created = ? WHERE id = ?", (time.time() - 10 * 86400, old))
    db.commit()
    db.close()
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
