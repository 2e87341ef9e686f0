"""The window's code search: each image's QR codes and barcodes, read on a thread of their own,
and the session's verbs that write them into its records."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import QObject, Signal

from ..codes import Code, read_codes
from .records import Record, State

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


class CodeSearch(QObject):
    """`read(record_id, image)` returns at once; `found(record_id, codes)` follows on the GUI
    thread with a tuple of Code (empty when the image has none)."""

    found = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="codes")
        self._closed = False

    def read(self, record_id: int, image: Image.Image) -> None:
        if not self._closed:
            self._pool.submit(self._read, record_id, image)

    def _read(self, record_id: int, image: Image.Image) -> None:
        codes: tuple[Code, ...] = ()
        # An image zxing-cpp cannot take has no code to show; the answer goes on all the same.
        with contextlib.suppress(ValueError, RuntimeError, OSError, MemoryError):
            codes = tuple(read_codes(image))
        self.found.emit(record_id, codes)

    def shut_down(self) -> None:
        """Finish the reads under way (at most one image's worth); later ones are not started."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


class CodeVerbs:
    """Mixed into RecognitionSession (the only writer of records): a record's codes as they are
    read, and the Codes mode, which asks no model."""

    records: dict[int, Record]
    record_changed: SignalInstance
    codes_read: SignalInstance

    if TYPE_CHECKING:

        def _withdraw(self, record_id: int) -> None: ...
        def _set_state(self, record: Record, state: State) -> None: ...

    def _start_code_search(self) -> CodeSearch:
        """Every image's codes are read beside its answer, off the GUI thread and the model's."""
        search = CodeSearch(self if isinstance(self, QObject) else None)
        search.found.connect(self._on_codes)
        return search

    def _codes_only(self, record: Record) -> None:
        """The Codes mode: the model is not asked; the record is done once its codes are read."""
        self._withdraw(record.record_id)
        record.turns, record.tokens, record.partial, record.edited = [], [], "", None
        record.stats, record.error, record.failure_kind = None, "", None
        self._set_state(record, State.QUEUED if record.codes is None else State.DONE)
        if record.codes is not None:
            self.codes_read.emit(record.record_id)

    def _on_codes(self, record_id: int, codes: tuple) -> None:
        record = self.records.get(record_id)
        if record is None:
            return
        record.codes = codes
        if record.codes_only and record.state is State.QUEUED:
            self._set_state(record, State.DONE)
        else:
            self.record_changed.emit(record_id)
        self.codes_read.emit(record_id)
