"""Documents (PDFs, multi-page TIFFs): open and render pages lazily at the pixel budget. No Qt."""

from .ranges import ALL_PAGES, PageRangeError, PageRanges, parse_page_ranges
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
    "Document",
    "DocumentError",
    "Page",
    "PageRangeError",
    "PageRanges",
    "PasswordError",
    "PdfDocument",
    "TiffDocument",
    "budget_size",
    "document_kind",
    "dpi_size",
    "open_document",
    "parse_page_ranges",
    "within_one_tile",
]
