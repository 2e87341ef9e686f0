"""A damaged write-ahead log is found and set aside, and no image is swept for a record that the
user did not delete (a record lost to damage keeps its image)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

from desktop_ocr.history import open_folder, open_for_reading
from desktop_ocr.history.wal import wal_damage

from .conftest import record

WAL = "history.sqlite3-wal"


def committed_in_the_log(folder: Path, tmp_path: Path, answers: list[str]) -> Path:
    """A history whose records are committed in its WAL only, as after a crash (or while open)."""
    store = open_folder(folder)
    for answer in answers:
        store.add(record(answer))
    crashed = tmp_path / "crashed"
    shutil.copytree(folder, crashed)  # the files as they are while the store is open: records in the WAL
    store.close()
    shutil.rmtree(folder)
    crashed.rename(folder)
    assert (folder / WAL).stat().st_size > 0
    return folder


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_an_intact_log_after_a_crash_keeps_every_record(folder: Path, tmp_path: Path) -> None:
    committed_in_the_log(folder, tmp_path, [f"answer {n}" for n in range(6)])
    assert wal_damage(folder / WAL) == ""
    store = open_folder(folder)
    assert store.warning == "" and store.count() == 6
    store.close()


def test_a_damaged_log_is_set_aside_with_its_records_and_images(folder: Path, tmp_path: Path) -> None:
    committed_in_the_log(folder, tmp_path, [f"answer {n}" for n in range(6)])
    images = sorted(p.name for p in (folder / "images").iterdir())
    assert len(images) == 6
    flip(folder / WAL, 32 + 24 + 100)  # inside the first frame's page: every later commit is lost to SQLite
    damaged_log = (folder / WAL).read_bytes()
    # Days later: nothing of it may be swept as unreferenced.
    old = time.time() - 3 * 86400
    for image in (folder / "images").iterdir():
        os.utime(image, (old, old))

    store = open_folder(folder)
    assert "write-ahead log was damaged" in store.warning and "moved to" in store.warning
    assert "\n" not in store.warning
    assert store.count() == 0  # a new, empty history
    aside = next((folder / "set-aside").iterdir())
    assert str(aside) in store.warning and aside.name.endswith("-damaged")
    assert (aside / WAL).read_bytes() == damaged_log
    assert sorted(p.name for p in (aside / "images").iterdir()) == images
    store.close()
    assert open_folder(folder).warning == ""  # said once


def test_listing_a_damaged_history_says_so_and_changes_nothing(folder: Path, tmp_path: Path) -> None:
    committed_in_the_log(folder, tmp_path, ["one", "two", "three"])
    flip(folder / WAL, 32 + 24 + 100)
    # (-shm is SQLite's rebuildable index of the log, not data)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix != ".sqlite3-shm"}
    store = open_for_reading(folder)
    assert "write-ahead log is damaged" in store.warning
    store.close()
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix != ".sqlite3-shm"}
    assert after == before
    assert not (folder / "set-aside").exists()


def test_a_cut_last_write_is_not_damage(folder: Path, tmp_path: Path) -> None:
    """A crash cuts only the last, uncommitted frames: SQLite drops them, and that is no damage."""
    committed_in_the_log(folder, tmp_path, ["one", "two", "three"])
    log = folder / WAL
    data = log.read_bytes()
    log.write_bytes(data[: len(data) - 1000])  # the last frame half-written
    assert wal_damage(log) == ""
    store = open_folder(folder)
    assert store.warning == "" and store.count() == 2
    store.close()


def test_an_image_whose_record_is_missing_is_never_swept(folder: Path) -> None:
    store = open_folder(folder)
    kept = store.add(record("kept"))
    lost = store.add(record("lost to damage"))
    image = store.image_path(lost)
    store.close()
    assert image is not None and image.exists()
    # The record vanishes without the store deleting it (damage, a restored older database).
    db = sqlite3.connect(folder / "history.sqlite3")
    with db:
        db.execute("DELETE FROM turns WHERE record_id = ?", (lost,))
        db.execute("DELETE FROM pages WHERE record_id = ?", (lost,))
        db.execute("DELETE FROM records WHERE id = ?", (lost,))
    db.close()
    old = time.time() - 3 * 86400
    os.utime(image, (old, old))
    store = open_folder(folder)
    assert store.get(kept) is not None
    store.close()
    assert image.exists()


def test_images_of_records_the_user_deleted_go_even_after_a_crash(folder: Path) -> None:
    store = open_folder(folder)
    gone = store.add(record("delete me"))
    image = store.image_path(gone)
    assert image is not None
    saved = image.read_bytes()
    assert store.delete(gone)
    assert not image.exists()
    store.close()
    # A crash between the commit and the unlink: the file is still there, its deletion noted.
    image.write_bytes(saved)
    db = sqlite3.connect(folder / "history.sqlite3")
    with db:
        db.execute("INSERT INTO deleted_images (name) VALUES (?)", (image.name,))
    db.close()
    store = open_folder(folder)
    assert not image.exists()
    assert store._db.execute("SELECT count(*) FROM deleted_images").fetchone()[0] == 0
    store.close()


def test_clear_removes_every_image_even_a_crash_leftover(folder: Path) -> None:
    store = open_folder(folder)
    store.add(record("one"))
    leftover = folder / "images" / "99-0-deadbeef.png"
    leftover.write_bytes(b"\x89PNG leftover of a crash")
    assert store.clear() == 1
    assert list((folder / "images").iterdir()) == []
    store.close()
