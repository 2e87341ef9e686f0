"""The window's left list: the history, newest first, loaded a page at a time, and searchable.

A row is a stored record, a record of this run, or both (once written). Rows of the store are
fetched lazily (`canFetchMore`/`fetchMore`, PAGE at a time), so 10,000 records open at once.
With a query, the rows are the store's FTS matches, each with its snippet (matches in bold).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap

from ...core.history_writer import HistorySync
from ...core.records import State
from ...core.session import RecognitionSession
from ...history import HistoryError, Summary, snippet_html
from ...history import State as StoreState
from ...history.preview import preview
from .row_delegate import HTML_ROLE

PAGE = 100
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole  # the session's record id (None for a row not opened yet)
STORE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PRIVATE_MARK = "private"


@dataclass
class Row:
    store_id: int | None = None
    session_id: int | None = None
    summary: Summary | None = None
    icon: QIcon | None = None


class HistoryListModel(QAbstractListModel):
    """Rows of the session and of the store, newest first; `query` filters with FTS.

    `reloaded`: the rows were made afresh (a search, the store opened or cleared)."""

    reloaded = Signal()

    def __init__(self, session: RecognitionSession, sync: HistorySync) -> None:
        super().__init__(session)
        self.session, self.sync = session, sync
        self.query = ""
        self._rows: list[Row] = []
        self._by_sid: dict[int, Row] = {}
        self._by_store: dict[int, Row] = {}
        self._fetched = 0  # store rows fetched for the current query
        self._more = False
        self.restoring: int | None = None  # the row a stored record is being read back for
        # Rows deleted with Undo still offered: out of the list, still in the store and session.
        self.hidden_store: set[int] = set()
        self.hidden_sessions: set[int] = set()
        session.record_added.connect(self._added)
        session.record_changed.connect(self._changed)
        session.record_removed.connect(self._session_removed)
        sync.opened.connect(lambda _warning: self.reload())
        sync.written.connect(self._written)
        sync.removed.connect(self._store_removed)
        sync.cleared.connect(self.reload)

    # ----- Qt's model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        store = self.sync.store
        if parent.isValid() or store is None or not self._more:
            return
        try:
            if self.query:
                found = store.search(self.query, limit=PAGE, offset=self._fetched)
            else:
                found = store.list(limit=PAGE, offset=self._fetched)
        except HistoryError as error:
            self._more = False
            self.sync.error.emit(str(error))
            return
        self._fetched += len(found)
        self._more = len(found) == PAGE
        fresh = [s for s in found if s.id not in self._by_store and s.id not in self.hidden_store]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for summary in fresh:
            row = Row(summary.id, self.sync.session_id(summary.id), summary)
            self._rows.append(row)
            self._index(row)
        self.endInsertRows()

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RECORD_ID_ROLE:
            return row.session_id
        if role == STORE_ID_ROLE:
            return row.store_id
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row)
        if role == HTML_ROLE:
            return self._html(row)
        if role == Qt.ItemDataRole.DisplayRole:
            title, when, state, text = self._parts(row)
            return f"{title} · {when}{f' · {state}' if state else ''}\n{text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            record = self.session.records.get(row.session_id) if row.session_id is not None else None
            if record is not None:
                return record.error or record.path or record.name
            return row.summary.name if row.summary else None
        return None

    # ----- what a row says
    def _parts(self, row: Row) -> tuple[str, str, str, str]:
        """(title, time, state or "", first line) of a row."""
        record = self.session.records.get(row.session_id) if row.session_id is not None else None
        if record is not None:
            state = "" if record.state is State.DONE else record.state.value
            if row.session_id in self.sync.private:
                state = f"{PRIVATE_MARK} {state}".strip()
            # The same day-and-time as a stored row: opening a record must not change its row.
            return record.name, record.created.strftime("%Y-%m-%d %H:%M"), state, preview(record.list_text())
        summary = row.summary
        if summary is None:
            return "", "", "", ""
        local = summary.created.astimezone()
        state = "" if summary.state is StoreState.DONE else summary.state.value
        title = summary.name.rsplit("/", 1)[-1] or summary.source.value
        return title, local.strftime("%Y-%m-%d %H:%M"), state, preview(summary.first_line)

    def _html(self, row: Row) -> str:
        title, when, state, text = self._parts(row)
        line = html.escape(text)
        if self.query and row.summary is not None and row.summary.snippet:
            line = snippet_html(row.summary.snippet)
        mark = f" · <i>{html.escape(state)}</i>" if state else ""
        return f"<b>{html.escape(title)}</b> <small>{html.escape(when)}{mark}</small><br>{line}"

    def _icon(self, row: Row) -> QIcon | None:
        if row.icon is not None:
            return row.icon
        record = self.session.records.get(row.session_id) if row.session_id is not None else None
        image: QImage | None = record.thumbnail if record is not None else None
        if image is None and row.store_id is not None and self.sync.store is not None:
            try:  # a small PNG, read when the row is painted
                data = self.sync.store.thumbnail(row.store_id)
            except HistoryError:
                data = None
            if data:
                image = QImage.fromData(data)
        if image is None or image.isNull():
            return None
        row.icon = QIcon(QPixmap.fromImage(image))
        return row.icon

    # ----- finding rows
    def row_of(self, record_id: int) -> int:
        """The row of a session record, or -1."""
        row = self._by_sid.get(record_id)
        return self._rows.index(row) if row is not None else -1

    def row_of_store(self, store_id: int) -> int:
        row = self._by_store.get(store_id)
        return self._rows.index(row) if row is not None else -1

    def record_id(self, row: int) -> int | None:
        return self._rows[row].session_id if 0 <= row < len(self._rows) else None

    def store_id(self, row: int) -> int | None:
        return self._rows[row].store_id if 0 <= row < len(self._rows) else None

    def attach(self, row: int, session_id: int) -> None:
        """A stored row opened into the session."""
        entry = self._rows[row]
        entry.session_id = session_id
        self._by_sid[session_id] = entry

    def _index(self, row: Row) -> None:
        if row.session_id is not None:
            self._by_sid[row.session_id] = row
        if row.store_id is not None:
            self._by_store[row.store_id] = row

    # ----- changes
    def set_query(self, query: str) -> None:
        if query.strip() != self.query:
            self.query = query.strip()
            self.reload()

    def reload(self) -> None:
        """Rows afresh: this run's unwritten records (no query), then the store's first page."""
        self.beginResetModel()
        keep = []
        if not self.query:  # this run's records not (yet) in the store: private, busy, failed to open
            unstored = [sid for sid in self.session.records if self.sync.store_id(sid) is None]
            shown = [sid for sid in unstored if sid not in self.hidden_sessions]
            keep = [Row(session_id=sid) for sid in sorted(shown, reverse=True)]
        self._rows = keep
        self._by_sid, self._by_store = {}, {}
        for row in keep:
            self._index(row)
        self._fetched = 0
        self._more = self.sync.store is not None
        self.endResetModel()
        self.fetchMore()
        self.reloaded.emit()

    def _added(self, session_id: int) -> None:
        if self.restoring is not None:  # a stored row read back into the session
            self.attach(self.restoring, session_id)
            return
        if self.query:
            return  # a search shows the store's matches only
        self.beginInsertRows(QModelIndex(), 0, 0)
        row = Row(session_id=session_id)
        self._rows.insert(0, row)
        self._index(row)
        self.endInsertRows()

    def _changed(self, session_id: int) -> None:
        row = self._by_sid.get(session_id)
        if row is not None:
            index = self.index(self._rows.index(row))
            self.dataChanged.emit(index, index)

    def _written(self, session_id: int, store_id: int, replaced: int) -> None:
        row = self._by_sid.get(session_id)
        if row is None:
            return
        if replaced and replaced != store_id and row.store_id == replaced:
            # Recognize again made a new record: the old one stays, as a row of its own.
            old = Row(replaced, None, row.summary, row.icon)
            position = self._rows.index(row)
            self.beginInsertRows(QModelIndex(), position + 1, position + 1)
            self._rows.insert(position + 1, old)
            self._by_store[replaced] = old
            self.endInsertRows()
        row.store_id = store_id
        self._by_store[store_id] = row
        if store_id != replaced:
            self._fetched += 1  # one more store row is already shown
        self._changed(session_id)

    def hide(self, position: int) -> tuple[int | None, int | None]:
        """Take a row out of the list (its record stays until unhide or the real delete)."""
        row = self._rows[position]
        if row.store_id is not None:
            self.hidden_store.add(row.store_id)
        if row.session_id is not None:
            self.hidden_sessions.add(row.session_id)
        self._remove(row)
        return row.session_id, row.store_id

    def unhide(self, session_id: int | None, store_id: int | None) -> None:
        if store_id is not None:
            self.hidden_store.discard(store_id)
        if session_id is not None:
            self.hidden_sessions.discard(session_id)

    def _remove(self, row: Row) -> None:
        position = self._rows.index(row)
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        if row.session_id is not None:
            self._by_sid.pop(row.session_id, None)
        if row.store_id is not None:
            self._by_store.pop(row.store_id, None)
            self._fetched = max(0, self._fetched - 1)
        self.endRemoveRows()

    def _session_removed(self, session_id: int) -> None:
        row = self._by_sid.get(session_id)
        if row is not None:
            self._remove(row)

    def _store_removed(self, store_id: int) -> None:
        row = self._by_store.get(store_id)
        if row is not None:
            self._remove(row)
