"""Model text reaches a terminal as text only: no escape sequences, no control characters.

A model (or a hostile server) can answer with ESC sequences that retitle the terminal, clear
it, rewrite what is on screen or, on some terminals, paste input back. Removing the C0 and C1
control characters (all but newline and tab) leaves any sequence's remainder as plain, visible
characters, and works on streamed pieces one by one. What goes to a pipe or a file stays exact
(the answer is the model's text); messages on stderr are always cleaned.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")  # json.dumps escapes C0 itself, not DEL and C1


def printable(text: str) -> str:
    """`text` without control characters other than newline and tab."""
    return _CONTROL.sub("", text)


def json_safe(line: str) -> str:
    """A JSON text with DEL and C1 characters written as \\u escapes (the same JSON value)."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", line)
