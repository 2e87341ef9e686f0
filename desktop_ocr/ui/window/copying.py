"""The record's text in each copy format, onto the clipboard."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QGuiApplication, QTextDocument, QTextTable

from ...core.records import Record
from ...render import export
from ...render.clipboard import ClipboardPayload, for_spreadsheet, for_word, tables_to_copy
from ...render.export import Delimiters
from ...render.linebreaks import LineBreaks, apply_line_breaks

PLAIN = "Plain text"
MARKDOWN = "Markdown"
MATHML = "MathML markup"  # the <math> source; "For Word" is what pastes as equations
WORD = "For Word (text with equations)"
TABLE = "Table (for spreadsheets)"


BUTTON_FORMAT = MARKDOWN  # what the Copy button (Ctrl+Shift+C) copies; its menu says so


def formats() -> list[str]:
    """The Copy menu's entries, in order."""
    return [PLAIN, MARKDOWN, *(f"LaTeX {d.value}" for d in Delimiters), MATHML, WORD, TABLE]


def shown_text(record: Record, lines: LineBreaks) -> str:
    """The answer as shown: the record's text with the chosen line breaks."""
    return apply_line_breaks(record.transcript(), lines)


def render(
    record: Record, fmt: str, default_delimiters: Delimiters, lines: LineBreaks = LineBreaks.KEEP
) -> tuple[str, str]:
    """(text, what) for a format name from formats(), or "LaTeX" for the default delimiters."""
    text, bare = shown_text(record, lines), record.bare_latex
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


# Qt names no RTF format of its own: text/rtf on X11 and Wayland, Windows' registered name there.
RTF_FORMATS = ("text/rtf", 'application/x-qt-windows-mime;value="Rich Text Format"')


def put_payload_on_clipboard(payload: ClipboardPayload) -> None:
    """HTML, RTF and plain text together: the application pasted into takes what it reads best."""
    mime = QMimeData()
    mime.setHtml(payload.html)
    mime.setText(payload.text)
    if payload.rtf:
        for name in RTF_FORMATS:
            mime.setData(name, QByteArray(payload.rtf.encode("ascii")))
    QGuiApplication.clipboard().setMimeData(mime)


def drawn_table_index(document: QTextDocument, position: int) -> int | None:
    """Which of the pane's tables (in document order) holds `position`; None outside tables."""
    tables: list[QTextTable] = []
    frames = list(document.rootFrame().childFrames())
    while frames:
        frame = frames.pop(0)
        if isinstance(frame, QTextTable):
            tables.append(frame)
        frames[:0] = frame.childFrames()
    for index, table in enumerate(tables):
        if table.firstPosition() <= position <= table.lastPosition():
            return index
    return None


def copy(
    record: Record | None,
    fmt: str,
    default_delimiters: Delimiters,
    lines: LineBreaks = LineBreaks.KEEP,
    table_index: int | None = None,
) -> str:
    """Put the record's text in `fmt` on the clipboard; the status line that says so.

    `table_index`: the pane's table under the cursor or selection, for Copy table.
    """
    if record is None or not record.transcript():
        return "Nothing to copy yet"
    if fmt == WORD:
        put_payload_on_clipboard(for_word(shown_text(record, lines), record.bare_latex))
        return "Copied for Word: paste gives text with equations"
    if fmt == TABLE:
        tables = tables_to_copy(shown_text(record, lines), table_index)
        if not tables:
            return "No table in this answer"
        put_payload_on_clipboard(for_spreadsheet(tables))
        return "Copied the table" if len(tables) == 1 else f"Copied {len(tables)} tables"
    text, what = render(record, fmt, default_delimiters, lines)
    put_on_clipboard(text)
    return f"Copied {what}"
