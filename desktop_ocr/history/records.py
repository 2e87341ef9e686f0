"""What a history record holds: plain data, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

    from ..codes import Code
    from ..engine.stats import GenerationStats
    from .images import PageImage


class Source(str, Enum):
    """Where the image came from."""

    SNIP = "snip"
    FILE = "file"  # the record's `name` is the path
    PASTE = "paste"
    HANDOFF = "handoff"  # sent by another process (`desktop-ocr IMAGE` to a running window)
    STDIN = "stdin"  # `desktop-ocr --cli - --record`


class State(str, Enum):
    """How the latest answer ended."""

    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class Turn:
    """One question and its answer. `stats` and `probabilities` are JSON-serialisable."""

    question: str
    answer: str
    stats: dict[str, Any] = field(default_factory=dict)
    probabilities: list[Any] = field(default_factory=list)  # per-token data; empty until recorded


@dataclass(frozen=True)
class NewPage:
    """A page to record: its image (a PIL image, or a PageImage encoded beforehand) and its turns."""

    image: Image.Image | PageImage | None
    turns: Sequence[Turn] = ()
    edited: str | None = None
    document_page: int | None = None  # its 1-based number in a PDF or TIFF; None for an image
    codes: Sequence[Code] = ()  # QR codes and barcodes found in the image beside the answer


@dataclass(frozen=True)
class NewRecord:
    """A finished (or stopped, or failed) answer to record. A single image is a one-page record."""

    source: Source
    pages: Sequence[NewPage]
    name: str = ""  # file path for Source.FILE, else a label such as "Snip 3"
    mode: str = ""  # a Mode value; empty for a custom prompt
    prompt: str = ""  # the custom prompt, when there is no mode
    model: str = ""
    backend: str = ""  # "local" or "server"
    device: str = ""
    dtype: str = ""
    state: State = State.DONE
    error: str = ""  # why it failed, one line
    edited: str | None = None  # a document's edited text (its pages joined)
    # When the record was made (seconds since the epoch): an answer is written after it comes in,
    # and the row must keep the time the window showed. None: now.
    created: float | None = None


@dataclass(frozen=True)
class Page:
    """A recorded page (image data is read with HistoryStore.image/thumbnail)."""

    number: int
    width: int
    height: int
    turns: tuple[Turn, ...]
    edited: str | None
    document_page: int | None = None  # its number in the document; None for an image
    codes: tuple[Code, ...] = ()  # QR codes and barcodes found in the image

    @property
    def text(self) -> str:
        """The page's latest answer: the user's edit if any, else the last turn's answer."""
        if self.edited is not None:
            return self.edited
        return self.turns[-1].answer if self.turns else ""


@dataclass(frozen=True)
class Record:
    id: int
    created: datetime  # aware, UTC
    updated: datetime
    source: Source
    name: str
    mode: str
    prompt: str
    model: str
    backend: str
    device: str
    dtype: str
    state: State
    error: str
    pages: tuple[Page, ...]
    edited: str | None = None  # a document's edited text (per-page edits live on the pages)

    @property
    def is_document(self) -> bool:
        """Whether the pages came from a PDF or a multi-page TIFF (they carry page numbers)."""
        return any(page.document_page is not None for page in self.pages)

    @property
    def text(self) -> str:
        """The latest answer (edited text where edited); a document's pages joined under their
        page markers, as the window and `-o FILE.md` show them; other pages by a blank line."""
        if self.edited is not None:
            return self.edited
        if self.is_document:
            from ..pages import PageResult, join_markdown

            return join_markdown(
                [PageResult(self.name, page.document_page, page.text) for page in self.pages]
            )
        return "\n\n".join(page.text for page in self.pages)

    @property
    def codes(self) -> tuple[Code, ...]:
        """The codes of every page, in page order."""
        return tuple(code for page in self.pages for code in page.codes)

    @property
    def turns(self) -> tuple[Turn, ...]:
        """The first page's conversation (a one-image record's only one)."""
        return self.pages[0].turns if self.pages else ()

    @property
    def stats(self) -> dict[str, Any]:
        """The stats of the first page's latest answer."""
        return self.turns[-1].stats if self.turns else {}


@dataclass(frozen=True)
class Summary:
    """One row of a list or a search: enough for a list entry, without the images."""

    id: int
    created: datetime
    source: Source
    name: str
    state: State
    first_line: str
    pages: int
    snippet: str = ""  # for a search: the text around the match, matches between MATCH_START/END


def first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line that is not a document's page marker, stripped, cut to `limit`
    characters (a document's list entry shows its first words, not "**Page 1**")."""
    from ..pages import is_page_marker

    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not is_page_marker(stripped):
            return stripped[:limit]
    return ""


def utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


def stats_dict(stats: GenerationStats) -> dict[str, Any]:
    """An engine GenerationStats as JSON-ready data (with tokens/s)."""
    return stats.to_json()
