"""The record's text in each copy format, onto the clipboard."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from ...core.records import Record
from ...render import export
from ...render.export import Delimiters

PLAIN = "Plain text"
MARKDOWN = "Markdown"
MATHML = "MathML (for Word)"


def formats() -> list[str]:
    """The Copy menu's entries, in order."""
    return [PLAIN, MARKDOWN, *(f"LaTeX {d.value}" for d in Delimiters), MATHML]


def render(record: Record, fmt: str, default_delimiters: Delimiters) -> tuple[str, str]:
    """(text, what) for a format name from formats(), or "LaTeX" for the default delimiters."""
    text, bare = record.transcript(), record.bare_latex
    if fmt == PLAIN:
        return export.to_plain_text(text, bare), "plain text"
    if fmt == MARKDOWN:
        return (export.to_latex(text, Delimiters.DOUBLE_DOLLAR, bare) if bare else text), "Markdown"
    if fmt == MATHML:
        return export.to_mathml(text, bare), "MathML"
    style = default_delimiters
    for delimiters in Delimiters:
        if fmt == f"LaTeX {delimiters.value}":
            style = delimiters
    return export.to_latex(text, style, bare), f"LaTeX ({style.value})"


def put_on_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def copy(record: Record | None, fmt: str, default_delimiters: Delimiters) -> str:
    """Put the record's text in `fmt` on the clipboard; the status line that says so."""
    if record is None or not record.transcript():
        return "Nothing to copy yet"
    text, what = render(record, fmt, default_delimiters)
    put_on_clipboard(text)
    return f"Copied {what}"
