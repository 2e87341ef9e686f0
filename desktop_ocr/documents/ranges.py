"""Page ranges as people type them: `1-3,7`, `5-` (to the end), `-2` (up to 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"^\s*(\d*)\s*(-?)\s*(\d*)\s*$")


class PageRangeError(ValueError):
    """A page range that cannot be read, or names pages the document does not have."""


@dataclass(frozen=True)
class PageRanges:
    """Inclusive, 1-based spans; `None` as an end means the last page."""

    spans: tuple[tuple[int, int | None], ...]

    def resolve(self, page_count: int) -> list[int]:
        """The 1-based page numbers, in the order given, without repeats; errors name the count."""
        pages: list[int] = []
        for start, end in self.spans:
            last = page_count if end is None else end
            if start > page_count or last > page_count:
                beyond = start if start > page_count else last
                raise PageRangeError(
                    f"page {beyond} is beyond the end: the document has {page_count} "
                    f"page{'s' if page_count != 1 else ''}"
                )
            pages.extend(page for page in range(start, last + 1) if page not in pages)
        return pages

    def __str__(self) -> str:
        return ",".join(
            str(start) if end == start else f"{start}-{'' if end is None else end}"
            for start, end in self.spans
        )


ALL_PAGES = PageRanges(((1, None),))


def parse_page_ranges(text: str) -> PageRanges:
    """`1-3,7` → pages 1 to 3 and 7; one line says what is wrong with bad input."""
    if not text.strip():
        raise PageRangeError("empty page range (expected e.g. 1-3,7)")
    spans: list[tuple[int, int | None]] = []
    for part in text.split(","):
        match = _PART.match(part)
        if not match or not (match.group(1) or match.group(3)):
            raise PageRangeError(f"not a page range: {part.strip()!r} (expected e.g. 1-3,7)")
        first, dash, last = match.groups()
        end: int | None
        if not dash:
            if not first or last:
                raise PageRangeError(f"not a page range: {part.strip()!r} (expected e.g. 1-3,7)")
            start, end = int(first), int(first)
        else:
            start = int(first) if first else 1
            end = int(last) if last else None
        if start < 1 or (end is not None and end < 1):
            raise PageRangeError(f"pages are numbered from 1: {part.strip()!r}")
        if end is not None and end < start:
            raise PageRangeError(f"range goes backwards: {part.strip()!r}")
        spans.append((start, end))
    return PageRanges(tuple(spans))
