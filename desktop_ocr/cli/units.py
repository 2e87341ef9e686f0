"""What a --cli run produces one at a time (an image, or a page of a document), the question it
asks of each, and consecutive page failures said as one line."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image

from ..documents import open_document
from ..engine import EngineError
from ..engine.errors import one_line
from ..engine.prompts import Mode, prompt_for
from .inputs import Input
from .output import describe, label_of

if TYPE_CHECKING:
    from ..codes import Code


@dataclass
class Unit:
    """One answer to produce: an image, or one page of a document."""

    position: int  # index of its input
    item: Input
    page: int | None
    codes: Future[list[Code]] | None = field(default=None, compare=False)  # read beside the answer

    @property
    def label(self) -> str:
        name = label_of(self.item.name)
        return f"{name} page {self.page}" if self.page is not None else name


def question_for(args: argparse.Namespace, item: Input) -> str:
    """--prompt, else --mode, else Markdown for documents (pages have headings, tables, math)
    and plain text for images (snips and screenshots are mostly a few lines)."""
    if args.prompt:
        return str(args.prompt)
    if args.mode:
        return prompt_for(args.mode)
    return prompt_for(Mode.MARKDOWN.value if item.is_document else Mode.TEXT.value)


class PageFailures:
    """Consecutive pages that fail alike become one line ("pages 1-99: …"), not one line each:
    a PDF whose page tree claims 99 unreadable pages is one bad file."""

    def __init__(self, name: str, fail: Callable[[str], None]) -> None:
        self.name = label_of(name)
        self.fail = fail
        self.pages: list[int] = []
        self.reason = ""
        self.first_message = ""

    def add(self, page: int, message: str) -> None:
        # Document messages read "NAME: page N: REASON"; the reason is what pages share.
        prefix = f"{self.name}: page {page}: "
        reason = message.removeprefix(prefix) if message.startswith(prefix) else message
        if self.pages and (reason != self.reason or page != self.pages[-1] + 1):
            self.flush()
        if not self.pages:
            self.first_message = message
        self.pages.append(page)
        self.reason = reason

    def flush(self) -> None:
        if not self.pages:
            return
        first, last = self.pages[0], self.pages[-1]
        self.fail(
            self.first_message if first == last else f"{self.name}: pages {first}-{last}: {self.reason}"
        )
        self.pages = []


def units_of(
    position: int,
    item: Input,
    image_of: Callable[[Unit, object], Image.Image],
    fail: Callable[[str], None],
    step: Callable[[], None],
    password: str | None,
) -> Iterator[tuple[Unit, Image.Image | None]]:
    """Each unit of `item` with its picture (None when it failed: said through `fail`)."""
    if not item.is_document:
        unit = Unit(position, item, None)
        try:
            image = image_of(unit, None)
        except EngineError as error:
            fail(describe(error))
            step()
            image = None
        except Exception as error:  # noqa: BLE001 - one unreadable input is one line, never the batch's end
            fail(f"{unit.label}: cannot read ({one_line(error)})")
            step()
            image = None
        yield unit, image
        return
    try:
        document = open_document(item.name, password)
    except EngineError as error:
        fail(describe(error))
        for page in item.pages:
            step()
            yield Unit(position, item, page), None
        return
    failed = PageFailures(item.name, fail)
    with document:
        for page in item.pages:
            unit = Unit(position, item, page)
            try:
                image = image_of(unit, document)
            except Exception as error:  # noqa: BLE001 - a page that fails is one line; the rest go on
                failed.add(
                    page,
                    describe(error) if isinstance(error, EngineError) else f"{unit.label}: {one_line(error)}",
                )
                step()
                yield unit, None
                continue
            failed.flush()
            yield unit, image
            del image  # the page's pixels go as soon as it is answered
    failed.flush()
