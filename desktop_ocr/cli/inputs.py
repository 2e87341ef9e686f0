"""What the CLI's arguments name: images, documents (PDF, multi-page TIFF) and folders of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..documents import ALL_PAGES, PageRanges, document_kind, open_document
from ..documents.suffixes import INPUT_SUFFIXES
from ..engine.errors import EngineError, one_line
from .output import STDIN, describe


@dataclass
class Input:
    """One input file: an image (one answer) or a document (one answer per chosen page)."""

    name: str
    kind: str = "image"  # "image", "pdf" or "tiff"
    pages: list[int] = field(default_factory=list)  # chosen page numbers, documents only
    page_count: int = 0
    error: str | None = None  # set when it cannot be opened: reported, then skipped

    @property
    def is_document(self) -> bool:
        return self.kind != "image"

    @property
    def units(self) -> int:
        """How many answers it needs."""
        return 0 if self.error else (len(self.pages) if self.is_document else 1)


def folder_files(folder: Path, recursive: bool) -> list[Path]:
    """The images and PDFs in a folder, sorted by path; hidden files are skipped."""
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(
        path
        for path in found
        if path.is_file()
        and path.suffix.lower() in INPUT_SUFFIXES  # images Pillow reads, and PDFs
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


@dataclass(frozen=True)
class Named:
    """An input file, and the folder given on the command line that it was found in (if any)."""

    name: str
    root: Path | None = None


def expand(names: list[str], recursive: bool) -> list[Named]:
    """Folders become the files in them; everything else stays as given, in order."""
    out: list[Named] = []
    for name in names:
        path = Path(name)
        if name != STDIN and path.is_dir():
            out.extend(Named(str(found), path) for found in folder_files(path, recursive))
        else:
            out.append(Named(name))
    return out


def plan(name: str, ranges: PageRanges | None, password: str | None) -> Input:
    """Open a document briefly for its page count and chosen pages; images are checked later."""
    if name == STDIN:
        return Input(name)
    kind = document_kind(name)
    if kind is None:
        return Input(name)
    item = Input(name, kind)
    try:
        with open_document(name, password) as document:
            item.page_count = document.page_count
            item.pages = (ranges or ALL_PAGES).resolve(document.page_count)
    except EngineError as error:
        item.error = describe(error)
    except ValueError as error:  # a page range beyond the end
        item.error = f"{name}: {error}"
    except Exception as error:  # noqa: BLE001 - one unreadable input is one line, never the batch's end
        item.error = f"{name}: cannot read ({one_line(error)})"
    return item
