"""A document's pages in the image view: "Page 2 of 3" between Previous and Next, Page Up/Down.

The record's answer holds every page under its marker; the image view shows one page at a
time. The page under way comes from the run (its view, as it is rendered); a finished page's
picture is read back from the history (its PNG, in the store or still waiting to be written)
and decoded off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.incoming import Decoded, ImageLoader
from ...core.records import Record
from ...engine.images import ImageSource
from ...pages import page_marker
from .image_view import ImageView

PageSource = Callable[[int, int], ImageSource | None]  # (record id, page index) → its PNG, if kept
PREVIOUS_KEYS = ("PgUp", "Alt+Left")
NEXT_KEYS = ("PgDown", "Alt+Right")
KEPT_VIEWS = 4


def page_numbers(record: Record) -> list[int]:
    """The document's pages that can be shown: those answered, then the page under way."""
    numbers = [
        page.page if page.page is not None else index + 1 for index, page in enumerate(record.pages or ())
    ]
    if record.document_running and record.page is not None and record.page not in numbers:
        numbers.append(record.page)
    return numbers


def position_text(index: int, numbers: Sequence[int]) -> str:
    """ "Page 2 of 3"; a document read from page 5 on says "Page 6 (2 of 3)"."""
    count = len(numbers)
    if list(numbers) == list(range(1, count + 1)):
        return f"Page {numbers[index]} of {count}"
    return f"Page {numbers[index]} ({index + 1} of {count})"


class PageBar(QWidget):
    """Previous, "Page 2 of 3", Next: under the image view while a document is shown."""

    step = Signal(int)  # -1 or +1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previous = self._button("◀", "Previous page", PREVIOUS_KEYS, -1)
        self.label = QLabel("")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next = self._button("▶", "Next page", NEXT_KEYS, +1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.previous)
        row.addWidget(self.label, 1)
        row.addWidget(self.next)
        self.hide()

    def _button(self, text: str, name: str, keys: Sequence[str], delta: int) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(name)
        shown = " or ".join(
            QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in keys
        )
        button.setToolTip(f"{name} ({shown})")
        button.clicked.connect(lambda: self.step.emit(delta))
        return button

    def set_position(self, index: int, numbers: Sequence[int]) -> None:
        text = position_text(index, numbers)
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(numbers) - 1)


class DocumentPages(QObject):
    """Which page of the shown document `view` shows, with `bar` and the keys over `area`.

    `page_chosen(number)`: the user went to that page (the answer scrolls to its marker).
    """

    page_chosen = Signal(int)

    def __init__(self, view: ImageView, bar: PageBar, area: QWidget, source: PageSource) -> None:
        super().__init__(view)
        self.view, self.bar, self.source = view, bar, source
        self.record_id: int | None = None
        self.index = 0
        self.numbers: list[int] = []
        self._chosen: dict[int, int] = {}  # per document, the page last shown (re-selected: shown again)
        # Per document run lately, its page under way's view (the last page's until the history
        # has written it); a few only, oldest dropped: the history has those pages by now.
        self._under_way: dict[int, tuple[int, QImage]] = {}
        self._tickets = 0
        self._wanted: int | None = None  # the ticket of the page being decoded for the view
        self.loader = ImageLoader(self)
        self.loader.decoded.connect(self._on_decoded)
        bar.step.connect(self.step)
        for keys, delta in ((PREVIOUS_KEYS, -1), (NEXT_KEYS, +1)):
            for key in keys:  # over the image and the bar: elsewhere Page Up/Down scroll the text
                shortcut = QShortcut(QKeySequence(key), area)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(lambda delta=delta: self.step(delta))

    def show_record(self, record: Record | None) -> bool:
        """Show `record`'s page (the one last shown, else the first); False for a single image."""
        if record is None or not record.is_document:
            self.record_id, self.numbers, self._wanted = None, [], None
            self.bar.hide()
            return False
        self.record_id = record.record_id
        self.numbers = page_numbers(record)
        self._go(self._chosen.get(record.record_id, 0))
        return True

    def update(self, record: Record) -> None:
        """The shown document changed (a page done, the run ended): its pages again."""
        if record.record_id != self.record_id:
            return
        self.numbers = page_numbers(record)
        self.index = min(self.index, max(len(self.numbers) - 1, 0))
        self._show_position()

    def under_way(self, record_id: int, index: int, view: QImage) -> None:
        """A run rendered the page at `index`: shown if the user follows the run (on its last page)."""
        following = self._under_way.get(record_id, (0, view))[0] == self._chosen.get(record_id, 0)
        self._under_way.pop(record_id, None)
        self._under_way[record_id] = (index, view)
        while len(self._under_way) > KEPT_VIEWS:
            del self._under_way[next(iter(self._under_way))]
        if not following:
            return
        self._chosen[record_id] = index
        if record_id == self.record_id:
            self.index = index
            self._wanted = None
            self._show_position()
            self.view.set_image(view)

    def step(self, delta: int) -> None:
        if self.record_id is None or not self.numbers:
            return
        index = max(0, min(self.index + delta, len(self.numbers) - 1))
        if index != self.index:
            self._go(index)
            self.page_chosen.emit(self.numbers[index])

    def _go(self, index: int) -> None:
        assert self.record_id is not None
        record_id = self.record_id
        self.index = self._chosen[record_id] = max(0, min(index, len(self.numbers) - 1))
        self._show_position()
        kept = self._under_way.get(record_id)
        if kept is not None and kept[0] == self.index:
            self._wanted = None
            self.view.set_image(kept[1])
            return
        source = self.source(record_id, self.index)
        if source is None:
            self._wanted = None
            self.view.set_image(None)  # not rendered (a failed page), or not written yet
            return
        self._tickets += 1
        self._wanted = self._tickets
        self.loader.open(self._tickets, source)

    def _on_decoded(self, ticket: int, decoded: Decoded) -> None:
        if ticket == self._wanted:  # not a page stepped past before its picture was decoded
            self._wanted = None
            self.view.set_image(decoded.view)

    def _show_position(self) -> None:
        if not self.numbers:
            self.bar.hide()
            return
        self.bar.set_position(self.index, self.numbers)
        self.bar.show()


def scroll_to_page(editor: QTextEdit | QPlainTextEdit, number: int, rendered: bool) -> bool:
    """Scroll `editor` so that page `number`'s marker is at its top; False when there is none."""
    marker = f"Page {number}" if rendered else page_marker(number)
    block = editor.document().firstBlock()
    while block.isValid() and block.text().strip() != marker:
        block = block.next()
    if not block.isValid():
        return False
    # To the end first, then back: ensureCursorVisible leaves the marker at the top, not the bottom.
    end = editor.textCursor()
    end.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(end)
    editor.ensureCursorVisible()
    editor.setTextCursor(QTextCursor(block))
    editor.ensureCursorVisible()
    return True


def image_area(view: ImageView, bar: PageBar) -> QWidget:
    """The image view with the page bar below it, as one widget (the keys work over both)."""
    widget = QWidget()
    column = QVBoxLayout(widget)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(view, 1)
    column.addWidget(bar)
    return widget
