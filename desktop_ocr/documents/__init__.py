"""Documents (PDFs, multi-page TIFFs): open, render pages lazily at the pixel budget, export. No Qt."""

from .ranges import ALL_PAGES, PageRangeError, PageRanges, parse_page_ranges
from .result import (
    FORMATS,
    PageResult,
    format_of,
    join_markdown,
    join_plain_text,
    page_marker,
    render_document,
    to_jsonl,
    write_document,
)
from .scale import budget_size, dpi_size, within_one_tile
from .source import (
    Document,
    DocumentError,
    Page,
    PasswordError,
    PdfDocument,
    TiffDocument,
    document_kind,
    open_document,
)

__all__ = [
    "ALL_PAGES",
    "FORMATS",
    "Document",
    "DocumentError",
    "Page",
    "PageRangeError",
    "PageRanges",
    "PageResult",
    "PasswordError",
    "PdfDocument",
    "TiffDocument",
    "budget_size",
    "document_kind",
    "dpi_size",
    "format_of",
    "join_markdown",
    "join_plain_text",
    "open_document",
    "page_marker",
    "parse_page_ranges",
    "render_document",
    "to_jsonl",
    "within_one_tile",
    "write_document",
]
