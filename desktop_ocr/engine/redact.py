"""Secrets never shown: a password in a URL (`http://user:PASSWORD@host/`) becomes `***`."""

from __future__ import annotations

import re

# scheme://user:password@ — the password runs up to the last '@' before the host's '/'.
_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*):(?P<password>[^/\s]*)@")


def redact(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    return _USERINFO.sub(lambda match: f"{match['head']}:***@", text)
