"""Where page images are kept: files beside the database, or memory when history is off."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .paths import write_private


class ImageFiles:
    """PNG files in a 0700 folder, each 0600 and synced before the record that names it commits."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, name: str, data: bytes) -> None:
        write_private(self.folder / name, data)

    def read(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def path(self, name: str) -> Path | None:
        return self.folder / name

    def delete(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)

    def sweep(self, deleted: Iterable[str]) -> int:
        """Delete the files of deleted records (left by a crash between the commit and the unlink)."""
        removed = 0
        for name in deleted:
            path = self.folder / name
            if path.exists():
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def unreferenced(self, referenced: set[str]) -> list[str]:
        """Images no record names: a crash's uncommitted writes, or the images of records lost to damage."""
        with os.scandir(self.folder) as entries:
            return [e.name for e in entries if e.name.endswith(".png") and e.name not in referenced]


class ImageMemory:
    """The same API in memory: with "keep history" off nothing reaches the disk.

    Only the newest `limit` full images are held (thumbnails and text stay), so a session that
    snips all day does not grow without end; an older image reads back as None.
    """

    def __init__(self, limit: int = 64) -> None:
        self.images: dict[str, bytes] = {}
        self.limit = limit

    def write(self, name: str, data: bytes) -> None:
        self.images[name] = data
        while len(self.images) > self.limit:
            del self.images[next(iter(self.images))]  # dicts keep insertion order: the oldest

    def read(self, name: str) -> bytes | None:
        return self.images.get(name)

    def path(self, name: str) -> Path | None:
        return None

    def delete(self, name: str) -> None:
        self.images.pop(name, None)

    def sweep(self, deleted: Iterable[str]) -> int:
        return 0

    def unreferenced(self, referenced: set[str]) -> list[str]:
        return [name for name in self.images if name not in referenced]
