"""The table read as rows, and what comes from it: checks, reading saved values, effects of a change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

from .spec import History, Spec, spec_of
from .table import Settings


@dataclass(frozen=True)
class Field:
    """One row of the table: a setting's name, type, default and declaration."""

    name: str
    type: type  # bool, int, float or str: the default's type
    default: Any
    spec: Spec


def _read_rows(table: type[Settings]) -> tuple[Field, ...]:
    return tuple(Field(f.name, type(f.default), f.default, spec_of(f)) for f in dataclasses.fields(table))


FIELDS: tuple[Field, ...] = _read_rows(Settings)


def rows_of(table: type[Settings] = Settings) -> tuple[Field, ...]:
    """The table's rows in order (`table`: Settings, or a subclass that declares more)."""
    return FIELDS if table is Settings else _read_rows(table)


BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}


def read_value(f: Field, raw: object) -> Any:
    """A saved value (as QSettings gives it back: often text) as the field's type; ValueError if not one."""
    if f.type is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0", ""):
            return False
        raise ValueError(f"{f.name}: not true or false: {raw!r}")
    try:
        return f.type(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{f.name}: not a {f.type.__name__}: {raw!r}") from None


def is_valid(f: Field, value: object) -> bool:
    """The field's own checks: its choices, its range, its check function."""
    spec = f.spec
    if spec.choices and value not in spec.choices:
        return False
    if spec.high > spec.low and not spec.low <= value <= spec.high:  # type: ignore[operator]
        return False
    return spec.check is None or spec.check(value)


def checked(values: dict[str, Any], table: type[Settings] = Settings) -> Settings:
    """Settings from read values: each one its checks refuse is the default again.

    If the values still do not make engine options (e.g. min above max pixels), the pixel
    budget goes back to its defaults."""
    settings = table(**{f.name: _valid_or_default(f, values.get(f.name, f.default)) for f in rows_of(table)})
    try:
        settings.engine_options()
    except ValueError:
        default = table()
        settings = replace(settings, min_pixels=default.min_pixels, max_pixels=default.max_pixels)
    return settings


def _valid_or_default(f: Field, value: object) -> Any:
    return value if isinstance(value, f.type) and is_valid(f, value) else f.default


def needs_reload(old: Settings, new: Settings) -> bool:
    """A change to a field that picks the backend, its model or weights: load again."""
    return any(getattr(old, f.name) != getattr(new, f.name) for f in rows_of(type(new)) if f.spec.reload)


def history_change(old: Settings, new: Settings) -> History:
    """REOPEN when where or whether the history is kept changed; RETENTION for new limits only."""
    changed = {f.spec.history for f in rows_of(type(new)) if getattr(old, f.name) != getattr(new, f.name)}
    for effect in (History.REOPEN, History.RETENTION):
        if effect in changed:
            return effect
    return History.NONE
