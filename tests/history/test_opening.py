"""Opening the history: private files, a corrupt or locked database set aside, history off."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from desktop_ocr.history import (
    DATA_DIR_ENV,
    HistoryStore,
    data_dir,
    default_data_dir,
    open_folder,
    open_history,
)

from .conftest import record


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_folders_are_0700_and_files_0600(folder: Path) -> None:
    os.umask(0o022)
    store = open_folder(folder)
    store.add(record("my bank password"))
    assert mode_of(folder) == 0o700
    assert mode_of(folder / "images") == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}
    assert any(p.suffix == ".png" for p in files)
    assert {p.name: mode_of(p) for p in files} == {p.name: 0o600 for p in files}


def test_the_location_setting_and_the_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert default_data_dir() == tmp_path / "env"
    assert data_dir("") == tmp_path / "env"
    assert data_dir(str(tmp_path / "chosen")) == tmp_path / "chosen"
    store = open_history(location=str(tmp_path / "chosen"))
    store.add(record("x"))
    assert (tmp_path / "chosen" / "history.sqlite3").exists() and not (tmp_path / "env").exists()
    monkeypatch.delenv(DATA_DIR_ENV)
    assert default_data_dir().name == "desktop-ocr"  # the platform's user data folder


def test_the_tests_never_use_the_real_data_folder() -> None:
    assert Path(os.environ[DATA_DIR_ENV]).name.startswith("desktop-ocr-data-")


def test_history_off_writes_nothing_but_works_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    store = open_history(keep=False)
    record_id = store.add(record("in memory only"))
    store.add_turn(record_id, store.get(record_id).turns[0])  # type: ignore[union-attr]
    store.set_edited(record_id, "edited")
    assert not store.on_disk and store.folder is None
    assert [s.id for s in store.search("memo")] == [record_id]
    assert store.image(record_id) is not None and store.thumbnail(record_id) is not None
    assert store.image_path(record_id) is None
    assert store.get(record_id).text == "edited"  # type: ignore[union-attr]
    assert store.delete(record_id) and store.count() == 0
    assert not (tmp_path / "data").exists()


def test_a_corrupt_database_is_set_aside_never_deleted(folder: Path) -> None:
    store = open_folder(folder)
    store.add(record("before"))
    store.close()
    path = folder / "history.sqlite3"
    garbage = b"this is not a database at all " * 200
    path.write_bytes(garbage)
    (folder / "history.sqlite3-wal").unlink(missing_ok=True)
    store = open_folder(folder)
    assert "unreadable" in store.warning and "moved to" in store.warning
    assert store.on_disk and store.count() == 0
    aside = list((folder / "set-aside").iterdir())
    assert len(aside) == 1 and str(aside[0]) in store.warning
    assert (aside[0] / "history.sqlite3").read_bytes() == garbage
    assert len(list((aside[0] / "images").iterdir())) == 1  # its image went with it
    new_id = store.add(record("after"))
    assert store.search("after")[0].id == new_id
    store.close()
    assert open_folder(folder).warning == ""  # said once


def test_a_database_with_a_damaged_page_is_set_aside(folder: Path) -> None:
    store = open_folder(folder)
    with store.batch():
        for n in range(200):
            store.add(record(f"answer number {n} " * 20))
    store.close()
    path = folder / "history.sqlite3"
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 12] = os.urandom(page * 9)  # scramble b-tree pages past the header
    path.write_bytes(bytes(data))
    store = open_folder(folder)
    assert "moved to" in store.warning
    assert "\n" not in store.warning and len(store.warning) < 400  # SQLite's report is many lines
    assert store.count() == 0


def test_a_locked_database_is_set_aside_and_a_new_one_started(folder: Path) -> None:
    store = open_folder(folder)
    store.add(record("locked away"))
    store.close()
    holder = sqlite3.connect(folder / "history.sqlite3", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO records (created, updated, source, state) VALUES (0, 0, 'snip', 'done')")
    try:
        store = open_folder(folder, timeout=0.2)
        assert "locked" in store.warning and "moved to" in store.warning
        assert store.on_disk and store.count() == 0
        store.add(record("new one"))
        assert [s.first_line for s in store.list()] == ["new one"]
        aside = next((folder / "set-aside").iterdir())
        assert aside.name.endswith("-locked") and (aside / "history.sqlite3").exists()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # The set-aside file is intact: its record is still there.
    check = sqlite3.connect(aside / "history.sqlite3")
    assert check.execute("SELECT count(*) FROM records").fetchone()[0] == 1


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores modes")
def test_an_unusable_folder_keeps_history_in_memory(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        store = open_folder(tmp_path / "data")
    finally:
        tmp_path.chmod(0o700)
    assert not store.on_disk and "not kept" in store.warning


def test_an_unusable_location_keeps_history_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = open_folder(blocker / "data")
    assert isinstance(store, HistoryStore) and not store.on_disk and "not kept" in store.warning
    store.add(record("still works"))
    assert store.count() == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_chosen_existing_folder_keeps_its_mode_but_the_history_in_it_is_private(tmp_path: Path) -> None:
    chosen = tmp_path / "Documents"
    chosen.mkdir()
    chosen.chmod(0o755)
    store = open_history(location=str(chosen))
    store.add(record("x"))
    assert mode_of(chosen) == 0o755
    assert mode_of(chosen / "images") == 0o700 and mode_of(chosen / "history.sqlite3") == 0o600


def test_history_off_holds_only_the_newest_full_images(tmp_path: Path) -> None:
    store = open_history(keep=False)
    ids = [store.add(record(f"answer {n}")) for n in range(70)]
    assert store.image(ids[-1]) is not None and store.image(ids[6]) is not None
    assert store.image(ids[5]) is None  # 64 full images kept; older ones are gone from memory
    assert store.thumbnail(ids[0]) is not None and store.get(ids[0]).text == "answer 0"  # type: ignore[union-attr]
