"""Images coming into the session: a record at once (OPENING), decoded on the loader's thread."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from .incoming import Decoded, ImageLoader, Incoming
from .session import RecognitionSession


class Intake(QObject):
    """Reserves a record per image, attaches it once decoded, and words the refused ones.

    `view_ready(record_id, QImage)`: a record's view image is decoded (the window shows it if
    current); `refused(line)`: the batch is in, and this many inputs were not added.
    """

    view_ready = Signal(int, object)
    refused = Signal(str)

    def __init__(self, session: RecognitionSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.loader = ImageLoader(self)
        self._pending: set[int] = set()  # records whose image is being decoded
        self._problems: list[str] = []  # refused inputs, said once the batch has been opened
        self.loader.decoded.connect(self._on_decoded)
        self.loader.refused.connect(self._on_refused)

    def add(self, incoming: Iterable[Incoming], mode: str, question: str, latex: bool) -> list[int]:
        added = []
        for entry in incoming:
            record_id = self.session.reserve(
                entry.name, entry.kind, mode, question, latex_mode=latex, path=entry.path
            )
            self._pending.add(record_id)
            self.loader.open(record_id, entry.source)
            added.append(record_id)
        return added

    def _on_decoded(self, record_id: int, decoded: Decoded) -> None:
        self._pending.discard(record_id)
        if record_id in self.session.records:
            self.session.attach(record_id, decoded.image, decoded.thumbnail)
            self.view_ready.emit(record_id, decoded.view)
        self._say_problems()

    def _on_refused(self, record_id: int, message: str) -> None:
        self._pending.discard(record_id)
        self._problems.append(message)
        self.session.discard(record_id)
        self._say_problems()

    def refuse(self, problem: str) -> None:
        """An input refused elsewhere (a document not opened): said with the batch's, "Not added: …"."""
        self._problems.append(problem)
        self._say_problems()

    def _say_problems(self) -> None:
        if self._pending or not self._problems:
            return
        more = f" (and {len(self._problems) - 1} more)" if len(self._problems) > 1 else ""
        self.refused.emit(f"Not added: {self._problems[0]}{more}")
        self._problems = []

    def wait(self) -> None:
        """Let the decodes under way finish (at shut-down)."""
        self.loader.wait()
