"""Where page images are kept: files beside the database, or memory when history is off."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .paths import write_private

ORPHAN_AGE_S = 3600.0  # an uncommitted image younger than this may belong to a write in progress


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

    def sweep(self, referenced: set[str]) -> int:
        """Delete images no record names: left by a crash between writing them and the commit."""
        removed = 0
        cutoff = time.time() - ORPHAN_AGE_S
        # scandir, and stat only the unreferenced: opening a 10,000-record history waits on this.
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".png") or entry.name in referenced:
                    continue
                try:
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        return removed


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

    def sweep(self, referenced: set[str]) -> int:
        return 0
