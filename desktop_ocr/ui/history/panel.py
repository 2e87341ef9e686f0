"""The history panel: the search box, the list of records and what acts on them.

Ctrl+F searches (FTS, as you type), Del deletes the selected record (its row and its files),
"Clear history…" deletes all after a confirmation, "Open image folder" shows the PNG's folder.
A stored record selected in the list is read back into the session, so copying, Recognize
again and follow-ups work on it as on a record of this run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.history_writer import DiskImageKeeper, HistorySync
from ...core.incoming import Decoded, ImageLoader
from ...core.record_mapping import record_from_stored
from .list_model import RECORD_ID_ROLE, STORE_ID_ROLE, HistoryListModel
from .open_folder import open_folder
from .row_delegate import HistoryDelegate
from .undo_delete import UndoDelete

if TYPE_CHECKING:
    from ...core.session import RecognitionSession
    from ...core.settings_store import Settings

SEARCH_DELAY_MS = 150


class EscClears(QObject):
    """Esc in a line edit with text clears it; the window's own Esc (Stop) waits until it is empty."""

    def __init__(self, edit: QLineEdit) -> None:
        super().__init__(edit)
        self.edit = edit
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape and self.edit.text():
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the key comes to the box, not to a window shortcut
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.edit.clear()
                return True
        return False


class HistoryPanel(QObject):
    """Owns the keeper, the writer (HistorySync), the list model and the panel's widgets.

    `view_decoded(session id, QImage)`: a stored record's image, read back for the view.
    """

    view_decoded = Signal(int, object)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reveal: Callable[[], None] = lambda: None  # the window shows the list (not its welcome)
        self.keeper = DiskImageKeeper()
        self.warning = ""  # the store's warning, shown once
        self._warned = False
        self.view_loader = ImageLoader(self)  # a stored record's image, for the view
        self.view_loader.decoded.connect(self._on_view_decoded)
        self.view_loader.refused.connect(lambda _id, message: window.statusBar().showMessage(message, 5000))

    def attach(self, session: RecognitionSession, settings: Settings) -> None:
        window = self.window
        self.session = session
        self.sync = HistorySync(session, self.keeper, self)
        self.sync.opened.connect(self._on_opened)
        self.sync.error.connect(lambda message: window.statusBar().showMessage(message, 8000))
        self.model = HistoryListModel(session, self.sync)
        self.sync.cleared.connect(self._drop_idle_records)  # those read back while clearing ran
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the history (Ctrl+F)")
        self.search.setAccessibleName("Search the history")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.model.set_query(self.search.text()))
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._esc_clears = EscClears(self.search)  # Esc in the box clears it (before Stop's Esc)
        self.no_matches = QLabel("")  # a search that finds nothing says so (the list alone is just empty)
        self.no_matches.setVisible(False)
        self.model.reloaded.connect(self._after_reload)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self._kept: tuple[int | None, int | None] = (None, None)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(HistoryDelegate(self.list_view))
        self.list_view.setIconSize(QSize(64, 40))
        self.list_view.setUniformItemSizes(True)  # 10,000 rows lay out without measuring each
        self.find_action = self._action("Search history", self.focus_search, QKeySequence.StandardKey.Find)
        delete = QKeySequence.StandardKey.Delete
        self.delete_action = self._action("Delete record", self.delete_current, delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_view.addAction(self.delete_action)
        window.removeAction(self.delete_action)
        self.clear_action = self._action("Clear history…", self.clear_all)
        self.folder_action = self._action("Open image folder", self.open_folder)
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        # The search box has the panel's whole width: beside the buttons it was cut to "S…".
        layout.addWidget(self.search)
        row = QHBoxLayout()
        for action in (self.folder_action, self.delete_action, self.clear_action):
            button = QToolButton()
            button.setDefaultAction(action)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.no_matches)
        # A set-aside history is said here for the whole session: the status bar's line is
        # replaced by the next message (the model becoming ready) and cut at the window's width.
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        layout.addWidget(self.notice)
        layout.addWidget(self.list_view, 1)
        self.undo_delete = UndoDelete(window.statusBar(), self._undelete)
        self.sync.open(settings)

    def _action(self, text: str, slot: Callable[[], object], shortcut: object = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    # ----- the store
    def _on_opened(self, warning: str) -> None:
        if warning and not self._warned:
            self._warned = True
            self.warning = warning
            self.notice.setText(warning)
            self.notice.setToolTip(warning)
            self.notice.show()
            self.window.statusBar().showMessage(warning, 30000)

    def apply_settings(self, old: Settings, new: Settings) -> None:
        """Keep on/off or a new location: reopen the store; new limits: apply them."""
        from ...config import History, history_change

        change = history_change(old, new)
        if change is History.REOPEN:
            self.sync.open(new)
        elif change is History.RETENTION:
            self.sync.set_retention(new.keep_days, new.keep_records)

    def close(self) -> None:
        self.undo_delete.commit()  # a deletion still offering Undo is final when the window closes
        self.view_loader.wait()
        self.sync.close()

    # ----- the current row
    def _remember_current(self) -> None:
        self._kept = (self.current_id(), self.current_store_id())

    def _after_reload(self) -> None:
        """Keep the shown record across a reload; else show the newest (a returning user's last)."""
        query = self.model.query
        empty = bool(query) and self.model.rowCount() == 0
        self.no_matches.setText(f"No matches for “{query}”" if empty else "")
        self.no_matches.setVisible(empty)
        session_id, store_id = self._kept
        self._kept = (None, None)
        row = self.model.row_of(session_id) if session_id is not None else -1
        if row < 0 and store_id is not None:
            row = self.model.row_of_store(store_id)
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.reveal()
            self.list_view.setCurrentIndex(self.model.index(row))
        self.list_view.scrollTo(self.model.index(max(row, 0)))

    def current_id(self) -> int | None:
        index = self.list_view.currentIndex()
        return index.data(RECORD_ID_ROLE) if index.isValid() else None

    def current_store_id(self) -> int | None:
        index = self.list_view.currentIndex()
        return index.data(STORE_ID_ROLE) if index.isValid() else None

    def open_current(self) -> int | None:
        """The current row's session record; a stored one is read back into the session first."""
        index = self.list_view.currentIndex()
        if not index.isValid():
            self.keeper.focus(None)
            return None
        session_id = index.data(RECORD_ID_ROLE)
        store_id = index.data(STORE_ID_ROLE)
        if session_id is None and store_id is not None:
            session_id = self._restore(index.row(), store_id)
        self.keeper.focus(session_id)
        return session_id

    def _restore(self, row: int, store_id: int) -> int | None:
        store = self.sync.store
        stored = store.get(store_id) if store is not None else None
        if stored is None:
            return None
        record = record_from_stored(stored)
        thumb = store.thumbnail(store_id) if store is not None else None
        if thumb:
            from PySide6.QtGui import QImage

            record.thumbnail = QImage.fromData(thumb)
        self.model.restoring = row  # record_added attaches the new id to this row
        try:
            restored = self.session.restore(record)
        finally:
            self.model.restoring = None
        self.sync.link(restored, store_id)
        return restored

    def image_in_memory(self, session_id: int) -> Image.Image | None:
        """The image when it is still in memory (this run's, not yet written); else None."""
        return self.keeper.memory(session_id)

    def load_view(self, session_id: int) -> None:
        """Decode the record's PNG on the loader's thread; the view gets it when it is done."""
        store, store_id = self.sync.store, self.sync.store_id(session_id)
        if store is None or store_id is None:
            return
        path = store.image_path(store_id)
        source = str(path) if path is not None else store.image(store_id)
        if source is not None:
            self.view_loader.open(session_id, source)

    def page_source(self, session_id: int, index: int) -> str | bytes | None:
        """A document page's PNG (its file, or its bytes): where the view reads it from."""
        found = self.sync.page_image(session_id, index)
        return str(found) if isinstance(found, Path) else found

    def _on_view_decoded(self, session_id: int, decoded: Decoded) -> None:
        self.view_decoded.emit(session_id, decoded.view)  # the record view shows it if current

    # ----- acting on records
    def focus_search(self) -> None:
        self.reveal()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def delete_current(self) -> None:
        """Take the row out now; the record and its files go once the status bar's Undo has gone."""
        index = self.list_view.currentIndex()
        if not index.isValid():
            return
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "").split(" · ", 1)[0] or "the record"
        row = index.row()
        session_id, store_id = self.model.hide(row)
        count = self.model.rowCount()
        if count:
            self.list_view.setCurrentIndex(self.model.index(min(row, count - 1)))

        def final() -> None:
            self.model.unhide(session_id, store_id)
            if session_id is not None:
                self.sync.delete(store_id, session_id)
                self.session.discard(session_id)  # the files go on the writer thread
            elif store_id is not None:
                self.sync.delete(store_id, None)

        self.undo_delete.offer(title, (session_id, store_id), final)

    def _undelete(self, token: object) -> None:
        assert isinstance(token, tuple)
        session_id: int | None = token[0]
        store_id: int | None = token[1]
        self.model.unhide(session_id, store_id)
        self._kept = (None, None)
        self.model.reload()
        row = self.model.row_of(session_id) if session_id is not None else -1
        if row < 0 and store_id is not None:
            row = self.model.row_of_store(store_id)
        if row >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))

    def clear_all(self, confirm: bool = True) -> None:
        self.undo_delete.commit()
        if confirm:
            answer = QMessageBox.question(
                self.window, "Clear history",
                "Delete every record of the history, with its images? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._drop_idle_records()
        self.sync.clear()

    def _drop_idle_records(self) -> None:
        for session_id in list(self.session.records):
            if not self.session.records[session_id].busy:
                self.session.discard(session_id)

    def open_folder(self) -> None:
        store_id = self.current_store_id()
        store = self.sync.store
        path = store.image_path(store_id) if store is not None and store_id is not None else None
        if path is None:
            message = "This record has no image file (history off or private)"
            self.window.statusBar().showMessage(message, 5000)
            return
        open_folder(path.parent, lambda line: self.window.statusBar().showMessage(line, 10000), self)
