"""Where `-o` sends the results: one joined file, or one file per input in a folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..pages import PageResult
from ..render.document_export import format_of, write_document
from .inputs import Named
from .output import STDIN


def is_folder_target(output: str) -> bool:
    """`-o OUT/` (trailing slash) or an existing folder: one output file per input."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


@dataclass
class FolderTarget:
    """`-o OUTDIR/`: NAME.FORMAT per input (keeping sub-folders of a folder input)."""

    folder: Path
    fmt: str
    overwrite: bool

    def __post_init__(self) -> None:
        self._taken: set[Path] = set()

    def path_for(self, named: Named) -> Path:
        source = Path("stdin" if named.name == STDIN else named.name)
        relative = source.relative_to(named.root).parent if named.root else Path()
        path = self.folder / relative / f"{source.stem}.{self.fmt}"
        if path in self._taken:  # a.pdf and a.png in one folder: the second keeps its suffix
            path = self.folder / relative / f"{source.name}.{self.fmt}"
        self._taken.add(path)
        return path

    def exists(self, path: Path) -> bool:
        return path.exists() and not self.overwrite

    def write(self, path: Path, pages: list[PageResult], complete: bool) -> Path:
        """Complete results go to `path`; with a failed page, to NAME.incomplete.FORMAT instead,
        so that nothing recognised is lost and the next run (which skips `path`) retries it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        incomplete = path.with_name(f"{path.stem}.incomplete{path.suffix}")
        target = path if complete else incomplete
        write_document(target, pages, self.fmt)
        if complete and incomplete.exists():
            incomplete.unlink()
        return target


@dataclass
class FileTarget:
    """`-o FILE`: every input's pages joined into one document, in the format of its extension."""

    path: Path
    fmt: str

    @classmethod
    def for_path(cls, output: str, fmt: str | None) -> FileTarget:
        return cls(Path(output), fmt or format_of(output))

    def write(self, pages: list[PageResult]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_document(self.path, pages, self.fmt)
