"""The capture handlers' names, most preferred first: the one list (the registry, the flag, Settings).

No Qt here, so the command line and the settings table can name handlers without loading Qt.
"""

from __future__ import annotations

HANDLER_NAMES: tuple[str, ...] = ("qt", "mss", "portal", "grim", "spectacle")
