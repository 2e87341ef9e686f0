"""Small dialogs for documents in the window: which pages, the password, and Save as.

Self-contained: they know documents/ (no Qt there) and nothing of the main window. The app's
document runs ask through `DialogQuestions` when a PDF comes in (page range, password); the
window opens Save as (Ctrl+S).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.records import Record
from ...documents import PageRangeError, parse_page_ranges
from ...pages import PageResult
from ...render.document_export import FORMATS, format_of, write_document
from ...render.document_tables import TABLE_FORMATS, named_tables, write_tables

FILE_FILTERS = {
    "md": "Markdown (*.md)",
    "txt": "Plain text (*.txt)",
    "html": "Web page, formulas as MathML (*.html)",
    "jsonl": "JSON lines, one page a line (*.jsonl)",
    "csv": "Tables as CSV, UTF-8 (*.csv)",
    "xlsx": "Tables as an Excel workbook, a sheet each (*.xlsx)",
}


ERROR_COLOUR = "#c0392b"


class PageRangeDialog(QDialog):
    """Asks which pages of an N-page document to recognise; `pages()` once accepted."""

    def __init__(self, name: str, page_count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_count = page_count
        self.setWindowTitle("Pages to recognise")
        self.label = QLabel(f"{name} has {page_count} page{'s' if page_count != 1 else ''}.")
        self.field = QLineEdit(f"1-{page_count}" if page_count > 1 else "1")
        self.field.setPlaceholderText("e.g. 1-3,7")
        self.field.selectAll()
        self.error = QLabel()  # the count chosen, or why the range cannot be read (in red)
        # Wide enough for the window manager to show the whole title beside its buttons.
        title_width = self.fontMetrics().horizontalAdvance(self.windowTitle())
        self.setMinimumWidth(max(340, int(title_width * 1.4) + 160))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.label, self.field, self.error, self.buttons):
            layout.addWidget(widget)
        self.field.textChanged.connect(self._check)
        self._check()

    def _resolve(self) -> list[int]:
        return parse_page_ranges(self.field.text()).resolve(self.page_count)

    def _check(self) -> None:
        try:
            chosen = self._resolve()
        except PageRangeError as error:
            self.error.setText(str(error))
            self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
            ok = False
        else:
            self.error.setText(f"{len(chosen)} of {self.page_count} pages")
            self.error.setStyleSheet("")  # a sound range is news, not an error
            ok = True
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def pages(self) -> list[int]:
        """The chosen 1-based page numbers, in the order typed."""
        return self._resolve()


class PasswordDialog(QDialog):
    """Asks for an encrypted PDF's password; says so when the last one was wrong."""

    def __init__(self, name: str, wrong: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Password")
        text = f"{name} is encrypted." + (" That password was wrong." if wrong else "") + " Password:"
        self.label = QLabel(text)
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.label, self.field, buttons):
            layout.addWidget(widget)

    def password(self) -> str:
        return self.field.text()


class DialogQuestions:
    """A document's password and page range, asked in dialogs over `parent` (core's DocumentQuestions)."""

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent

    def password(self, name: str, wrong: bool) -> str | None:
        ask = PasswordDialog(name, wrong=wrong, parent=self.parent)
        return ask.password() if ask.exec() == PasswordDialog.DialogCode.Accepted else None

    def pages(self, name: str, count: int) -> list[int] | None:
        choose = PageRangeDialog(name, count, parent=self.parent)
        return choose.pages() if choose.exec() == PageRangeDialog.DialogCode.Accepted else None


def save_path_with_format(path: str, selected_filter: str) -> tuple[Path, str]:
    """The path to write and its format: the extension typed wins, else the filter's (added)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in TABLE_FORMATS:
        return Path(path), suffix
    try:
        return Path(path), format_of(path)
    except ValueError:
        fmt = next((key for key, label in FILE_FILTERS.items() if label == selected_filter), "md")
        return Path(f"{path}.{fmt}"), fmt


def save_document_as(parent: QWidget | None, pages: Sequence[PageResult], suggested: str) -> Path | None:
    """Save as… (Ctrl+S): asks where, writes the format of the extension; None when cancelled.

    OSError (a folder not writable, a full disk) reaches the caller, which shows it in one line.
    """
    # .csv and .xlsx are offered when there is a table to write.
    tables = named_tables(pages)
    offered = [*FORMATS, *(TABLE_FORMATS if tables else ())]
    filters = ";;".join(FILE_FILTERS[fmt] for fmt in offered)
    path, selected = QFileDialog.getSaveFileName(parent, "Save as", suggested, filters, FILE_FILTERS["md"])
    if not path:
        return None
    target, fmt = save_path_with_format(path, selected)
    if fmt in TABLE_FORMATS:
        if not tables:
            raise OSError(f"no table in this answer to save as .{fmt}")
        write_tables(target, fmt, tables)
    else:
        write_document(target, list(pages), fmt)
    return target


def pages_to_save(record: Record) -> list[PageResult]:
    """A document's pages (one JSON line each, a marker each), unless the user edited the whole
    text: then, as for an image, the shown text as one unmarked page."""
    if record.pages and record.edited is None:
        return list(record.pages)
    text, name = record.transcript(), record.path or record.name
    return [PageResult(file=name, page=None, text=text, stats=record.stats)]


def save_record_as(parent: QWidget | None, record: Record | None) -> str:
    """Save as… for the shown answer (the edited text if edited); returns the status line."""
    text = record.transcript() if record is not None else ""
    if record is None or not text.strip():
        return "Nothing to save yet: no answer is shown"
    if record.document_running:
        return "Wait for the document's last page, or press Stop first"
    suggested = str(Path(record.path).with_suffix(".md")) if record.path else f"{record.name}.md"
    try:
        target = save_document_as(parent, pages_to_save(record), suggested)
    except OSError as error:
        return f"Could not save: {error.strerror or error}"
    return f"Saved {target}" if target is not None else ""
