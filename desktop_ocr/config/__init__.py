"""The settings: one table (table.py) declares each one; flags, dialog rows, saving and checks come from it.

No Qt here: the window's QSettings adaptor is core/settings_store.py, its editors ui/settings/.
"""

from .fields import (
    BY_NAME,
    FIELDS,
    Field,
    checked,
    history_change,
    is_valid,
    needs_reload,
    read_value,
    rows_of,
)
from .flags import RunFlags, add_flags, flag_fields, flag_of, flags_given, positive_int
from .spec import FlagGroup, History, Section, Spec, Widget, setting
from .table import Settings

__all__ = [
    "BY_NAME",
    "FIELDS",
    "Field",
    "FlagGroup",
    "History",
    "RunFlags",
    "Section",
    "Settings",
    "Spec",
    "Widget",
    "add_flags",
    "checked",
    "flag_fields",
    "flag_of",
    "flags_given",
    "history_change",
    "is_valid",
    "needs_reload",
    "positive_int",
    "read_value",
    "rows_of",
    "setting",
]
