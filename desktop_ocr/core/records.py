"""What the session keeps per image: a `Record` (no full image), and the seam that holds the images.

A record is the unit the history store will persist: everything here is plain data except the
thumbnail. The full image never lives on the record; `RecognitionSession.image(record_id)` reads
it from an `ImageKeeper`, in memory today (`MemoryImageKeeper`) and on disk once the history
store provides its own keeper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from PIL import Image
from PySide6.QtGui import QImage

from ..codes import Code
from ..engine.conversation import Turn
from ..engine.prompts import Mode
from ..engine.stats import GenerationStats
from ..pages import PageResult, join_markdown
from ..render.markdown import as_markdown
from .failures import FailureKind

THUMBNAIL_SIZE = 160  # px, the longer side
QUESTION = -1  # Record._parts(): this piece is a quoted follow-up question, no answer


class SourceKind(str, Enum):
    """Where an image came from."""

    SNIP = "snip"
    FILE = "file"
    PASTE = "paste"  # image data from the clipboard or a drop
    HANDOFF = "handoff"  # a path handed over by a second `desktop-ocr` process


class State(str, Enum):
    OPENING = "opening"  # the image is still being decoded, off the GUI thread
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class Record:
    """One image and everything asked and answered about it."""

    record_id: int
    source: SourceKind
    name: str  # display name: a file name, "snip 3", "pasted image"
    mode: str  # a Mode value, or "custom"
    question: str  # the first question (the mode's prompt, or the custom prompt)
    latex_mode: bool = False
    path: str | None = None  # the file it was read from, when there is one
    turns: list[Turn] = field(default_factory=list)
    partial: str = ""  # the answer streaming in (or stopped) for an unanswered last turn
    state: State = State.OPENING
    stats: GenerationStats | None = None
    model: str = ""  # the backend's description when the last answer was made
    error: str = ""
    failure_kind: FailureKind | None = None
    edited: str | None = None  # the user's correction of the transcript, if any
    thumbnail: QImage | None = None
    size: tuple[int, int] = (0, 0)  # the full image's pixels
    created: datetime = field(default_factory=datetime.now)
    # Per answered turn, its generated tokens (engine.confidence.TokenInfo: text, p, alternatives);
    # () where the backend gave none. Kept so that re-selecting the record re-shows its marks.
    tokens: list[tuple[Any, ...]] = field(default_factory=list)
    # A document (PDF, multi-page TIFF): its answered pages, in order; None for an image. `page`
    # is the page under way (its answer streams in `turns`/`partial`); None once the run ended.
    pages: list[PageResult] | None = None
    page: int | None = None
    # The QR codes and barcodes in the image, read beside the model; None until they are read.
    codes: tuple[Code, ...] | None = None

    @property
    def is_document(self) -> bool:
        return self.pages is not None

    @property
    def codes_only(self) -> bool:
        """The Codes mode: no model is asked; the codes' texts are the answer. (A user's preset
        named "codes" has a prompt, so it still asks the model.)"""
        return self.mode == Mode.CODES.value and not self.question

    def transcript(self) -> str:
        """What the pane shows: the answers, each follow-up question quoted before its answer;
        for a document, its pages joined under their markers, the page under way last."""
        if self.edited is not None:
            return self.edited
        if self.pages is not None:
            return self._document_text(self.pages)
        if self.codes_only:  # each code's text on its own line, as `--mode codes` prints them
            return "".join(code.text + "\n" for code in self.codes or ())
        return "".join(part for part, _answer_at in self._parts())

    def list_text(self) -> str:
        """What the history lists the record by, as the store keeps it: its latest answer (a
        follow-up's, once asked), or its edit, its pages or its codes."""
        if self.edited is not None or self.pages is not None or self.codes_only or not self.turns:
            return self.transcript()
        answer = self.turns[-1].answer
        return answer if answer is not None else self.partial

    def _document_text(self, pages: list[PageResult]) -> str:
        shown = list(pages)
        # The page under way, while it streams; once answered it is in `pages`.
        streaming = self.page is not None and self.state in (State.QUEUED, State.RUNNING)
        current = "".join(part for part, _answer_at in self._parts()) if streaming else ""
        if current:
            shown.append(PageResult(self.name, self.page, current))
        return join_markdown(shown) if shown else ""

    def answer_offsets(self) -> list[int | None]:
        """Where each turn's answer starts in transcript() (None where it was reworded there)."""
        if self.pages is not None:
            return [None] * len(self.turns)  # a document's marks are its pages' (pages.py)
        offsets: list[int | None] = []
        position = 0
        for part, answer_at in self._parts():
            if answer_at != QUESTION:
                offsets.append(None if answer_at is None else position + answer_at)
            position += len(part)
        return offsets

    def _parts(self) -> list[tuple[str, int | None]]:
        """transcript()'s pieces: each quoted question (QUESTION), each answer with its offset in it."""
        parts: list[tuple[str, int | None]] = []
        for index, turn in enumerate(self.turns):
            answer = turn.answer if turn.answer is not None else self.partial
            shown: str = answer
            at: int | None = 0
            if index == 0 and len(self.turns) > 1:
                shown = as_markdown(answer, self.latex_mode)  # a bare formula among other turns
                found = shown.find(answer) if answer else 0
                at = found if found >= 0 else None
            if index > 0:
                parts.append((f"\n\n---\n\n> **{turn.question.strip()}**\n\n", QUESTION))
            parts.append((shown, at))
        return parts

    @property
    def bare_latex(self) -> bool:
        """Whether the pane and the copy formats should read the text as one bare formula."""
        return self.latex_mode and len(self.turns) == 1 and self.pages is None

    @property
    def document_running(self) -> bool:
        """Whether this is a document whose pages are still being recognised."""
        return self.pages is not None and self.page is not None

    @property
    def busy(self) -> bool:
        """Whether a request for this record is waiting or running."""
        return self.state in (State.OPENING, State.QUEUED, State.RUNNING)


class ImageKeeper(Protocol):
    """Holds the full images by record id. Replaceable: the history store keeps them on disk."""

    def put(self, record_id: int, image: Image.Image) -> None: ...

    def get(self, record_id: int) -> Image.Image:
        """The image; KeyError when the record has none."""
        ...

    def drop(self, record_id: int) -> None: ...


class MemoryImageKeeper:
    """Every image in memory, for as long as the session lives."""

    def __init__(self) -> None:
        self._images: dict[int, Image.Image] = {}

    def put(self, record_id: int, image: Image.Image) -> None:
        self._images[record_id] = image

    def get(self, record_id: int) -> Image.Image:
        return self._images[record_id]

    def drop(self, record_id: int) -> None:
        self._images.pop(record_id, None)


def thumbnail(image: Image.Image, size: int = THUMBNAIL_SIZE) -> QImage:
    """A small QImage of an RGB picture; safe off the GUI thread (QImage is not a widget)."""
    width, height = image.size
    scale = min(1.0, size / max(width, height))
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    # reducing_gap: shrink by whole factors first, so a huge scan is not filtered at full size.
    return to_qimage(image.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0))


PREVIEW_SIDE = 4096  # px: the view's copy of a huge scan; the engine always gets the full image


def to_qimage(image: Image.Image) -> QImage:
    """An RGB PIL image as a QImage, by copying the pixels (no PNG round trip)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    data = rgb.tobytes()
    width, height = rgb.size
    return QImage(data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
