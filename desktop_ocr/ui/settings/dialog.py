"""Edit the saved settings: a tab per section of the settings table, each row made by its widget kind.

Changing a field the table marks `reload` (model, device, backend, server…) loads the model again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSettings, QSize, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...config import Section, Settings, rows_of
from .editors import CheckEditor, Editor, editor_kinds
from .sections import HotkeyEditor

SIZE_KEY = "dialogs/settings_size"  # beside the settings in their file; not a setting itself
SCREEN_SHARE = 0.9  # of the screen's free area, at most, when no size was remembered


class SettingsDialog(QDialog):
    connection_tested = Signal(str)  # the line shown, once a connection test has ended

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        apply_hotkey: Callable[[str], str | None] | None = None,  # HotkeyController.apply
        state: QSettings | None = None,  # where the dialog's size is remembered
    ) -> None:
        super().__init__(parent)
        self._test_ticket = 0
        self._state = state
        self._table = type(settings)
        self.setWindowTitle("Settings")
        self.tabs = QTabWidget()
        self.forms = {section: self._tab(section) for section in Section}
        self.editors: dict[str, Editor] = {}
        kinds = editor_kinds()
        for f in rows_of(self._table):
            editor = kinds[f.spec.widget](f, getattr(settings, f.name))
            form = self.forms[f.spec.section]
            if editor.labelled:
                form.addRow(f.spec.label, editor.row)
            else:
                form.addRow(editor.row)
            self.editors[f.name] = editor
        self._connect_switches()
        hotkeys = [e for e in self.editors.values() if isinstance(e, HotkeyEditor)]
        for hotkey in hotkeys:
            hotkey.apply = apply_hotkey or hotkey.apply
        self._add_notes()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(self._first_size())

    def _tab(self, section: Section) -> QFormLayout:
        """A scrolling page: a long section never pushes the buttons off a small screen."""
        page = QWidget()
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, section.value)
        return form

    def _connect_switches(self) -> None:
        """A row with `enabled_by` follows its check box (history limits follow 'keep a history')."""
        for editor in self.editors.values():
            switch = self.editors.get(editor.field.spec.enabled_by)
            if isinstance(switch, CheckEditor):
                switch.input.toggled.connect(editor.row.setEnabled)
                editor.row.setEnabled(switch.value())

    def _add_notes(self) -> None:
        """Lines and buttons that are no setting: the token size, the connection test, the key's keeper."""
        from ... import secrets

        self.forms[Section.MODEL].addRow(
            "", QLabel("One visual token is a 28×28 px tile; fewer tokens answer faster.")
        )
        test = QPushButton("Test connection")
        test.clicked.connect(self.test_connection)
        self.connection_result = QLabel("")
        self.connection_result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(test)
        row.addWidget(self.connection_result, 1)
        self.forms[Section.SERVER].addRow("", row)
        self.key_storage = QLabel(secrets.where_api_key_lives())
        self.key_storage.setWordWrap(True)
        self.forms[Section.PRIVACY].addRow(self.key_storage)

    def _first_size(self) -> QSize:
        """The size it had when last closed, else its natural size; never more than the screen."""
        screen = (self.parentWidget() or self).screen().availableGeometry().size()
        remembered = self._state.value(SIZE_KEY) if self._state is not None else None
        if isinstance(remembered, QSize) and remembered.isValid():
            return remembered.boundedTo(screen)
        return self.fitted_size(screen * SCREEN_SHARE)

    def fitted_size(self, room: QSize) -> QSize:
        """Big enough to show the longest tab without scrolling, where `room` allows (else it scrolls)."""
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        wanted = QSize(0, 0)
        for scroll in pages:
            assert isinstance(scroll, QScrollArea)
            page = scroll.widget()
            assert page is not None
            more = (
                page.sizeHint() - scroll.sizeHint() + QSize(2 * scroll.frameWidth(), 2 * scroll.frameWidth())
            )
            bar = scroll.verticalScrollBar().sizeHint().width()
            wanted = wanted.expandedTo(QSize(more.width() + bar, more.height()))
        return (self.sizeHint() + wanted).boundedTo(room)

    def done(self, result: int) -> None:
        if self._state is not None:
            self._state.setValue(SIZE_KEY, self.size())
        super().done(result)

    def editor(self, name: str) -> Editor:
        return self.editors[name]

    def accept(self) -> None:
        """Close only when every editor's value can be used (a hotkey grabbed, presets sound)."""
        if all(editor.validate() for editor in self.editors.values()):
            super().accept()

    def test_connection(self) -> None:
        """List the server's models on a pool thread; the answer lands in `connection_result`."""
        url = str(self.editors["server_url"].value())
        if not url:
            self.connection_result.setText("Enter the server's URL first")
            return
        self._test_ticket += 1
        self.connection_result.setText("testing…")
        task = _ConnectionTest(self._test_ticket, url, str(self.editors["api_key"].value()) or None)
        task.signals.done.connect(self._connection_tested)
        _RUNNING_TESTS.add(task)  # alive until it has answered, even if the dialog closes
        task.signals.done.connect(lambda *_: _RUNNING_TESTS.discard(task))
        QThreadPool.globalInstance().start(task)

    def _connection_tested(self, ticket: int, text: str) -> None:
        if ticket == self._test_ticket:  # an older test's late answer is not shown
            self.connection_result.setText(text)
            self.connection_tested.emit(text)

    def result_settings(self) -> Settings:
        """The settings as shown: every field from its editor (each field has one)."""
        values: dict[str, Any] = {name: editor.value() for name, editor in self.editors.items()}
        values["min_pixels"] = min(values["min_pixels"], values["max_pixels"])
        return self._table(**values)


_RUNNING_TESTS: set[_ConnectionTest] = set()


class _TestSignals(QObject):
    done = Signal(int, str)  # ticket, the line to show


class _ConnectionTest(QRunnable):
    """Lists a server's models off the GUI thread: a dead server can take the read timeout."""

    def __init__(self, ticket: int, url: str, api_key: str | None) -> None:
        super().__init__()
        self.ticket, self.url, self.api_key = ticket, url, api_key
        self.signals = _TestSignals()  # no parent: outlives the dialog if it closes first
        self.setAutoDelete(False)  # Python owns it (_RUNNING_TESTS)

    def run(self) -> None:
        from ...engine.errors import EngineError
        from ...engine.server import ServerBackend, ServerOptions

        try:
            backend = ServerBackend(ServerOptions(url=self.url, model="-", api_key=self.api_key))
            models = backend.list_models()
        except EngineError as error:
            self.signals.done.emit(self.ticket, f"✗ {error}")
            return
        except Exception as error:  # noqa: BLE001 - said in the dialog, never lost on a pool thread
            self.signals.done.emit(self.ticket, f"✗ {type(error).__name__}: {error}")
            return
        self.signals.done.emit(self.ticket, "✓ serves: " + (", ".join(models) or "no model"))
