"""Where the history lives, and files and folders that only the user can read (screens hold secrets)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DATA_DIR_ENV = "DESKTOP_OCR_DATA_DIR"
APP_NAME = "desktop-ocr"
DB_NAME = "history.sqlite3"
IMAGES_DIR = "images"
ASIDE_DIR = "set-aside"

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def default_data_dir() -> Path:
    """$DESKTOP_OCR_DATA_DIR, else the platform's user data folder (~/.local/share/desktop-ocr on Linux)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def data_dir(location: str = "") -> Path:
    """The history folder: the `history_location` setting when set, else default_data_dir()."""
    return Path(location).expanduser() if location.strip() else default_data_dir()


def private_dir(path: Path, ours: bool = True) -> Path:
    """Create `path` (and parents) if needed, readable by the user only.

    An existing folder that is not `ours` (a location the user chose, such as ~/Documents) keeps
    its mode: the files and the images folder made in it are private all the same.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if ours or not existed:
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_DIR)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a 0600 file and flush it to disk before returning (it must survive a crash)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE) if hasattr(os, "fchmod") else None
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def touch_private(path: Path) -> None:
    """Create an empty 0600 file if missing, so SQLite's database (and its -wal, -shm) get that mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)
