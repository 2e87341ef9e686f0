"""What one setting declares beside its name, type and default: its flag, row, checks and effects. No Qt."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Section(str, Enum):
    """The Settings dialog's tabs, in this order; the value is the tab's title."""

    MODEL = "Model"
    GENERAL = "General"
    SNIPPING = "Snipping"
    SERVER = "Server"
    PRIVACY = "Privacy"


class Widget(str, Enum):
    """How the dialog edits a field; each kind has one editor class (ui/settings/editors.py)."""

    TEXT = "text"  # a line edit (a secret field hides what is typed)
    FOLDER = "folder"  # a line edit with a Folder… button
    MODEL = "model"  # a hub id or folder, also picked from the model families' list
    CHOICE = "choice"  # a combo box of `choices`
    CHECK = "check"  # a check box labelled with `label`
    NUMBER = "number"  # a whole number between `low` and `high`
    TOKENS = "tokens"  # a pixel area shown as visual tokens (28×28 px each)
    FRACTION = "fraction"  # 0.00 to 1.00 in steps of 0.05
    HOTKEY = "hotkey"  # records a key press; grabbed when the dialog closes
    PRESETS = "presets"  # the table of prompt presets


class FlagGroup(str, Enum):
    """Where a flag shows in --help (build_parser makes these groups)."""

    ASK = "ask"  # with --prompt and --preset: one of them
    MODEL = "model"
    RUNTIME = "runtime"
    SERVER = "server"
    WINDOW = "window"


class History(str, Enum):
    """What a change of the field does to the open history."""

    NONE = "none"
    REOPEN = "reopen"  # close it and open the one the new settings name
    RETENTION = "retention"  # apply the new limits to the open one


@dataclass(frozen=True)
class Spec:
    """A setting's declaration beyond its type and default (which the dataclass field holds)."""

    label: str
    section: Section
    widget: Widget
    help: str = ""  # the flag's --help line, and the dialog row's tooltip
    flag: FlagGroup | None = None  # None: no command-line flag; else --<name-with-dashes>
    flag_name: str = ""  # the flag when it is not --<name-with-dashes>
    metavar: str | None = None
    choices: tuple[str, ...] = ()  # CHOICE: what may be chosen; the flag takes the non-empty ones
    low: float = 0  # NUMBER, TOKENS: the range
    high: float = 0
    placeholder: str | Callable[[], str] = ""  # what an empty text field means
    special: str = ""  # what the lowest number shows instead ("forever", "off")
    suffix: str = ""
    reload: bool = False  # a change loads the model (or connects the server) again
    history: History = History.NONE
    secret: bool = False  # kept in the system keychain where there is one; typed unseen
    enabled_by: str = ""  # a CHECK field that switches this row on and off
    check: Callable[[Any], bool] | None = None  # a saved value failing this is reset to the default

    def placeholder_text(self) -> str:
        return self.placeholder() if callable(self.placeholder) else self.placeholder


SPEC_KEY = "desktop_ocr.setting"


def setting(default: Any, spec: Spec) -> Any:
    """A dataclass field with its declaration; mypy sees the default's type."""
    return dataclasses.field(default=default, metadata={SPEC_KEY: spec})


def spec_of(field: dataclasses.Field[Any]) -> Spec:
    spec = field.metadata.get(SPEC_KEY)
    if not isinstance(spec, Spec):
        raise TypeError(f"setting {field.name!r} is declared without setting(default, Spec(...))")
    return spec
