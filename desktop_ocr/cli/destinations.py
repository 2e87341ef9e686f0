"""Where `-o` and `--save-pages` put files: names unique per input, nothing replaced unasked,
and every target checked before any model work.

Inputs with the same name from different folders keep their folders under the output folder
(x/dup.png, y/dup.png -> OUT/x/dup.md, OUT/y/dup.md); two inputs side by side that differ only
in their extension keep it (a.pdf, a.png -> OUT/a.md, OUT/a.png.md); no input's output takes
another's `.incomplete` name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..pages import PageResult
from ..render.document_export import format_of, write_document
from .inputs import Named
from .output import STDIN

INCOMPLETE = ".incomplete"
# write_document writes `.NAME.part` first, then renames it over NAME.
TEMPORARY_EXTRA = len(b"..part")


class OutputError(Exception):
    """An output that cannot be written, or would replace a file unasked; the message is one line."""


def is_folder_target(output: str) -> bool:
    """`-o OUT/` (trailing slash) or an existing folder: one output file per input."""
    if output.endswith(("/", os.sep)):
        return True
    try:
        return Path(output).is_dir()
    except OSError:  # a name too long to look up: a FILE target, refused by its check
        return False


def _source(named: Named) -> Path:
    return Path("stdin" if named.name == STDIN else named.name)


def _given_folder(named: Named) -> Path:
    """The input's folder as a relative path (from the current folder, else from the root),
    never with `..`, so that it stays inside the output folder."""
    if named.name == STDIN:
        return Path()
    folder = Path(os.path.abspath(named.name)).parent
    try:
        return folder.relative_to(Path.cwd())
    except ValueError:
        return Path(*folder.parts[1:])


def output_bases(nameds: Iterable[Named], folder: Path) -> dict[Named, Path]:
    """Each input's output path without its extension, unique among the inputs."""
    unique = list(dict.fromkeys(nameds))
    first: dict[Named, Path] = {}
    for named in unique:
        source = _source(named)
        kept = source.relative_to(named.root).parent if named.root else Path()
        first[named] = folder / kept / source.stem
    sharing: dict[Path, list[Named]] = defaultdict(list)
    for named in unique:
        sharing[first[named]].append(named)
    bases: dict[Named, Path] = {}
    for named in unique:
        group = sharing[first[named]]
        if len(group) > 1 and len({_given_folder(other) for other in group}) > 1:
            bases[named] = folder / _given_folder(named) / _source(named).stem
        else:
            bases[named] = first[named]
    claimed: set[Path] = set()
    chosen: dict[Named, Path] = {}
    for named in unique:
        base = bases[named]
        name = _source(named).name
        candidates = [base, base.with_name(name)]
        candidates += (base.with_name(f"{name}.{n}") for n in range(2, len(unique) + 2))
        pick = next(c for c in candidates if c not in claimed and _incomplete(c) not in claimed)
        claimed.update((pick, _incomplete(pick)))
        chosen[named] = pick
    return chosen


def _incomplete(base: Path) -> Path:
    return base.with_name(base.name + INCOMPLETE)


def _with_suffix(base: Path, suffix: str) -> Path:
    return base.with_name(base.name + suffix)


def prepare_folder(folder: Path) -> None:
    """Create `folder` and prove a file can be written in it; OutputError in one line if not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileExistsError:
        raise OutputError(f"cannot write into {folder}: a file of that name is in the way") from None
    except OSError as error:
        raise OutputError(f"cannot write into {folder}: {error.strerror or error}") from None


def check_names(path: Path, extra: int = 0) -> None:
    """Every part of `path` fits the file system's name limit (`extra` bytes more for the file)."""
    limit = _name_max(path)
    for part in path.parts[:-1]:
        if len(os.fsencode(part)) > limit:
            raise OutputError(f"cannot write {path}: a folder name is longer than {limit} bytes")
    if len(os.fsencode(path.name)) + extra > limit:
        raise OutputError(f"cannot write {path}: the file name is too long (at most {limit} bytes)")


def _name_max(path: Path) -> int:
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    with contextlib.suppress(OSError, ValueError, AttributeError):
        return int(os.pathconf(existing, "PC_NAME_MAX"))
    return 255


def refuse_existing(path: Path, overwrite: bool) -> None:
    try:
        exists = path.exists()
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    if exists and not overwrite:
        what = "a folder" if path.is_dir() else "a file"
        raise OutputError(f"{path} exists ({what}); --overwrite replaces it")


@dataclass
class FolderTarget:
    """`-o OUTDIR/`: NAME.FORMAT per input (keeping sub-folders of a folder input)."""

    folder: Path
    fmt: str
    overwrite: bool
    _bases: dict[Named, Path] = field(default_factory=dict)

    def assign(self, nameds: Iterable[Named]) -> None:
        """Name every input's output; call once with all inputs, before `path_for`."""
        self._bases = output_bases(nameds, self.folder)

    def path_for(self, named: Named) -> Path:
        return _with_suffix(self._bases[named], f".{self.fmt}")

    def check(self, paths: Iterable[Path]) -> None:
        """Before any model work: the folder is writable and every name fits."""
        prepare_folder(self.folder)
        for path in paths:
            check_names(_incomplete_path(path), TEMPORARY_EXTRA)

    def exists(self, path: Path) -> bool:
        return path.exists() and not self.overwrite

    def write(self, path: Path, pages: list[PageResult], complete: bool) -> Path:
        """Complete results go to `path`; with a failed page, to NAME.incomplete.FORMAT instead,
        so that nothing recognised is lost and the next run (which skips `path`) retries it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        incomplete = _incomplete_path(path)
        target = path if complete else incomplete
        write_document(target, pages, self.fmt)
        if complete and incomplete.exists():
            incomplete.unlink()  # this input's own: no other input is given that name
        return target


def _incomplete_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}{INCOMPLETE}{path.suffix}")


@dataclass
class FileTarget:
    """`-o FILE`: every input's pages joined into one document, in the format of its extension."""

    path: Path
    fmt: str
    overwrite: bool = False

    @classmethod
    def for_path(cls, output: str, fmt: str | None, overwrite: bool = False) -> FileTarget:
        return cls(Path(output), fmt or format_of(output), overwrite)

    def check(self) -> None:
        """Before any model work: FILE is new (or --overwrite), its name fits, its folder is writable."""
        check_names(self.path, TEMPORARY_EXTRA)
        refuse_existing(self.path, self.overwrite)
        prepare_folder(self.path.parent)

    def write(self, pages: list[PageResult]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_document(self.path, pages, self.fmt)


@dataclass
class PageFiles:
    """`--save-pages DIR`: DIR/NAME-pN.png per rendered page, with the same unique NAMEs."""

    folder: Path
    overwrite: bool
    _bases: dict[Named, Path] = field(default_factory=dict)

    def assign(self, nameds: Iterable[Named]) -> None:
        self._bases = output_bases(nameds, self.folder)

    def path_for(self, named: Named, page: int) -> Path:
        return _with_suffix(self._bases[named], f"-p{page}.png")

    def check(self, paths: Iterable[Path]) -> None:
        """Before any model work: the folder is writable, names fit, nothing would be replaced."""
        prepare_folder(self.folder)
        for path in paths:
            check_names(path)
            refuse_existing(path, self.overwrite)
