"""The session's records as a list model, newest first, for the window's list view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon, QPixmap

from .records import State
from .session import RecognitionSession

RECORD_ID_ROLE = Qt.ItemDataRole.UserRole


class RecordListModel(QAbstractListModel):
    """One row per record; rows follow the session's signals, no scanning."""

    def __init__(self, session: RecognitionSession) -> None:
        super().__init__(session)
        self.session = session
        self._ids: list[int] = []  # newest first
        self._rows: dict[int, int] = {}  # record id → row, rebuilt when rows move
        self._icons: dict[int, QIcon] = {}
        session.record_added.connect(self._added)
        session.record_changed.connect(self._changed)
        session.record_removed.connect(self._removed)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        record = self.session.records.get(self._ids[index.row()])
        if record is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return record.name if record.state is State.DONE else f"{record.name} — {record.state.value}"
        if role == Qt.ItemDataRole.DecorationRole and record.thumbnail is not None:
            icon = self._icons.get(record.record_id)
            if icon is None:  # a QIcon scales to the view's icon size; a bare QImage would not
                icon = self._icons[record.record_id] = QIcon(QPixmap.fromImage(record.thumbnail))
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.error or record.path or record.name
        if role == RECORD_ID_ROLE:
            return record.record_id
        return None

    def row_of(self, record_id: int) -> int:
        """The record's row, or -1."""
        return self._rows.get(record_id, -1)

    def record_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def _reindex(self) -> None:
        self._rows = {record_id: row for row, record_id in enumerate(self._ids)}

    def _added(self, record_id: int) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._ids.insert(0, record_id)
        self._reindex()
        self.endInsertRows()

    def _changed(self, record_id: int) -> None:
        row = self.row_of(record_id)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def _removed(self, record_id: int) -> None:
        row = self.row_of(record_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        self._icons.pop(record_id, None)
        self._reindex()
        self.endRemoveRows()
