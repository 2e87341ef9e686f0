"""The file suffixes the app reads, in one place for the window, the CLI and documents. No Qt.

Images are what Pillow opens; documents are PDFs (a TIFF is told apart by its page count)."""

from __future__ import annotations

IMAGE_SUFFIXES = (
    *(".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"),
    *(".jp2", ".ppm", ".pgm", ".pbm"),
)
PDF_SUFFIXES = (".pdf",)
INPUT_SUFFIXES = (*IMAGE_SUFFIXES, *PDF_SUFFIXES)  # what Open…, a pasted path and a folder give
