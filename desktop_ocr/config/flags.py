"""The settings' command-line flags, and this run's flag values over the saved settings. No Qt."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .fields import Field, rows_of
from .spec import FlagGroup
from .table import Settings


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (underscores allowed: 200_704)."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def positive_number(text: str) -> float:
    """An argparse type: a finite number more than 0 (seconds: 0.5, 300)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0: {text}")
    return value


def flag_fields(group: FlagGroup | None = None, table: type[Settings] = Settings) -> tuple[Field, ...]:
    """The settings with a flag (in `group` if given), in the table's order."""
    return tuple(f for f in rows_of(table) if f.spec.flag is not None and group in (None, f.spec.flag))


def flag_of(f: Field) -> str:
    return f.spec.flag_name or "--" + f.name.replace("_", "-")


def add_flags(container: Any, group: FlagGroup, table: type[Settings] = Settings) -> None:
    """Add the flags of `group` to an argparse parser, argument group or exclusive group.

    Every default is None: "not given", so that the window keeps its saved value."""
    for f in flag_fields(group, table):
        spec = f.spec
        options: dict[str, Any] = {"dest": f.name, "default": None, "help": spec.help}
        if f.type is bool:
            options["action"] = argparse.BooleanOptionalAction
        else:
            if f.type is int:
                options["type"] = positive_int
            elif f.type is float:
                options["type"] = positive_number
            if spec.choices:
                options["choices"] = [choice for choice in spec.choices if choice]
            if spec.metavar:
                options["metavar"] = spec.metavar
        container.add_argument(flag_of(f), **options)


def flags_given(args: argparse.Namespace, table: type[Settings] = Settings) -> set[str]:
    """The settings this command line names (by field name)."""
    return {f.name for f in flag_fields(None, table) if getattr(args, f.name, None) is not None}


@dataclass(frozen=True)
class RunFlags:
    """This run's command-line values over the saved settings: in use, shown, never saved unasked."""

    saved: Settings = field(default_factory=Settings)
    values: Mapping[str, object] = field(default_factory=dict)  # field name → the flag's value

    @classmethod
    def from_args(cls, saved: Settings, args: argparse.Namespace, given: set[str]) -> RunFlags:
        names = {f.name for f in flag_fields(None, type(saved))}
        return cls(saved, {name: getattr(args, name) for name in given if name in names})

    @property
    def settings(self) -> Settings:
        """What this run uses: the saved settings with the flags on top."""
        return replace(self.saved, **self.values)  # type: ignore[arg-type]

    def to_save(self, chosen: Settings) -> Settings:
        """What OK saves: `chosen`, except a flag's value left as it was keeps the saved value."""
        kept = {name: getattr(self.saved, name) for name in self._unchanged(chosen)}
        return replace(chosen, **kept)

    def after(self, chosen: Settings) -> RunFlags:
        """The flags still in force once `chosen` is applied (a field changed in Settings is the user's)."""
        return RunFlags(self.to_save(chosen), {name: self.values[name] for name in self._unchanged(chosen)})

    def _unchanged(self, chosen: Settings) -> list[str]:
        return [name for name, value in self.values.items() if getattr(chosen, name) == value]
