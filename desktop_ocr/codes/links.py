"""Which code texts may be opened as links: http(s) only, never javascript:, file: or the like."""

from __future__ import annotations

from urllib.parse import urlsplit

from .found import Code

OPENABLE_SCHEMES = frozenset({"http", "https"})


def link_of(code: Code) -> str | None:
    """The code's text when it is one http(s) address with a host, else None."""
    text = code.text.strip()
    if not text or any(character.isspace() or ord(character) < 32 for character in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    return text if parts.scheme.lower() in OPENABLE_SCHEMES and parts.hostname else None
