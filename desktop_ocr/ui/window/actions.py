"""The window's actions in one table: it makes the shortcuts, the toolbar and the empty window's text."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QToolBar, QToolButton, QWidget

from ...render.linebreaks import LINE_BREAK_LABELS, LineBreaks
from . import copying

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    """One action: the window gets it as `<name>_action`; triggering it calls the window's `slot`."""

    name: str
    text: str
    slot: str
    shortcut: str | Key | tuple[str | Key, ...] | None = None  # a tuple: each of them
    welcome: str = ""  # its line in the empty window; {keys} is its shortcut
    tooltip: str = ""
    checkable: bool = False


ACTIONS = (
    ActionSpec("paste", "Paste", "paste", Key.Paste, "<b>Paste</b> an image, a path or a PDF's path: {keys}"),
    ActionSpec("open", "Open…", "open_files", Key.Open, "<b>Open</b> image files or PDFs: {keys}"),
    ActionSpec(
        "snip",
        "Snip",
        "start_snip",
        "Ctrl+Alt+S",
        "<b>Snip</b> a region of the screen: {keys} (in this window)",
    ),
    ActionSpec("again", "Recognize again", "recognize_again", "Ctrl+R"),
    ActionSpec("stop", "Stop", "stop", "Esc"),
    ActionSpec("copy", "Copy", "copy_markdown", "Ctrl+Shift+C"),
    ActionSpec(
        "copy_table",
        "Copy table",
        "copy_table",
        "Ctrl+Shift+T",
        tooltip="The table under the cursor (else all tables) as cells for a spreadsheet",
    ),
    ActionSpec(
        "save",
        "Save as…",
        "save_as",
        Key.Save,
        tooltip="Save as .md, .txt, .html or .jsonl (.csv or .xlsx when the answer holds a table)",
    ),
    ActionSpec("source", "Edit source", "toggle_source", "Ctrl+E", checkable=True),
    ActionSpec("settings", "Settings…", "open_settings", ("Ctrl+,", Key.Preferences)),
    ActionSpec("next_mark", "Next uncertain span", "next_mark", "F8"),
    ActionSpec("previous_mark", "Previous uncertain span", "previous_mark", "Shift+F8"),
    ActionSpec(
        "private_snip",
        "Private snip",
        "start_private_snip",
        "Ctrl+Alt+P",
        tooltip="Snip a region whose answer is never recorded in the history",
    ),
    ActionSpec("show", "Show", "bring_to_front"),
    ActionSpec("quit", "Quit", "quit", Key.Quit),
)
# The toolbar, left to right: action names, widget names (the window's), "|" for a separator.
TOOLBAR = (
    "snip", "private_snip", "open", "paste", "|", "question", "again", "stop", "|",
    "copy_button", "lines", "save", "source", "|", "settings",
)  # fmt: skip
WELCOME = """<h2>Nothing to read yet</h2>{model}<p>Give the window an image:</p><ul>
<li><b>Drop</b> image files, PDFs or a picture here</li>{lines}</ul>
<p>A PDF asks which pages to read. The answer streams in on the right;
copy it as text, Markdown, LaTeX or MathML.</p>"""


def build_actions(window: QWidget) -> dict[str, QAction]:
    """Every action in ACTIONS, added to `window` (so its shortcut works) as `<name>_action`."""
    actions = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        if spec.shortcut is not None:
            action.setShortcuts(shortcuts(spec.shortcut))
        action.setCheckable(spec.checkable)
        if spec.tooltip:
            action.setToolTip(spec.tooltip)
        # Looked up when triggered: the slot is the window's method of that name.
        action.triggered.connect(lambda _checked=False, slot=spec.slot: getattr(window, slot)())
        window.addAction(action)
        setattr(window, f"{spec.name}_action", action)
        actions[spec.name] = action
    return actions


def shortcuts(given: str | Key | tuple[str | Key, ...]) -> list[QKeySequence]:
    """The key sequences an action answers to; a standard key brings its platform's bindings."""
    keys: list[QKeySequence] = []
    for key in given if isinstance(given, tuple) else (given,):
        found = QKeySequence.keyBindings(key) if isinstance(key, Key) else [QKeySequence(key)]
        keys += [sequence for sequence in found if not sequence.isEmpty() and sequence not in keys]
    return keys


def build_toolbar(actions: Mapping[str, QAction], widgets: Mapping[str, QWidget | list[QWidget]]) -> QToolBar:
    toolbar = QToolBar("Main")
    toolbar.setMovable(False)
    for name in TOOLBAR:
        if name == "|":
            toolbar.addSeparator()
        elif name in actions:
            toolbar.addAction(actions[name])
        else:
            entry = widgets[name]
            for widget in entry if isinstance(entry, list) else [entry]:
                toolbar.addWidget(widget)
    return toolbar


def copy_button(copy: QAction, copy_as: Callable[[str], None]) -> tuple[QToolButton, dict[str, QAction]]:
    """Copy (the default format) with a menu of every format; the menu's actions by format."""
    button = QToolButton()
    button.setDefaultAction(copy)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    menu = QMenu(button)
    entries: dict[str, QAction] = {}
    for label in copying.formats():
        # The button's own format is named as such, so the menu says what a plain Copy gives.
        shown = f"{label} (the Copy button)" if label == copying.BUTTON_FORMAT else label
        entries[label] = menu.addAction(shown)
        entries[label].triggered.connect(lambda _checked=False, fmt=label: copy_as(fmt))
    button.setMenu(menu)
    keys = copy.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    copy.setToolTip(f"Copy the answer as {copying.BUTTON_FORMAT} ({keys}); the arrow gives the other formats")
    return button, entries


def lines_box(current: str, changed: Callable[[LineBreaks], None]) -> QComboBox:
    """The line-break choice for the shown answer and its copies (the model is not asked again)."""
    box = QComboBox()
    box.setToolTip("Line breaks of the shown answer and its copies; formulas, tables and code keep theirs")
    for mode, label in LINE_BREAK_LABELS.items():
        box.addItem(label, mode.value)
    box.setCurrentIndex(max(box.findData(current), 0))
    box.currentIndexChanged.connect(lambda _index: changed(LineBreaks(box.currentData())))
    return box


def welcome_page(actions: Mapping[str, QAction]) -> tuple[QWidget, QLabel]:
    """The empty window's page and its text: a left-aligned block (bullets in a straight
    column) in the middle of the page."""
    label = QLabel(welcome_text(actions))
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    label.setWordWrap(True)
    label.setMaximumWidth(label.fontMetrics().averageCharWidth() * 72)
    page = QWidget()
    layout = QHBoxLayout(page)
    layout.addWidget(label, 0, Qt.AlignmentFlag.AlignCenter)
    return page, label


def welcome_text(actions: Mapping[str, QAction], model_note: str = "") -> str:
    """What an empty window says: the model's state when it cannot answer yet, then each way
    in, with its shortcut."""

    def keys(action: QAction) -> str:
        text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        return f"<code>{text}</code>" if text else "the toolbar"

    lines = "".join(
        f"<li>{spec.welcome.format(keys=keys(actions[spec.name]))}</li>" for spec in ACTIONS if spec.welcome
    )
    model = f"<p><b>{html.escape(model_note)}</b></p>" if model_note else ""
    return WELCOME.format(lines=lines, model=model)
