"""LaTeX to MathML that cannot carry code: an allowlist of elements and attributes, text escaped.

latex2mathml serialises with its text unescaped (`\\text{<script>…}` became a live `<script>`
in an HTML export), so its element tree is written out here instead: MathML presentation
elements only (an unknown element leaves just its escaped text), known presentation attributes
only, links only http(s).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

ELEMENTS = frozenset(
    [
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "merror",
        "mpadded",
        "mphantom",
        "mfenced",
        "menclose",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mmultiscripts",
        "mprescripts",
        "none",
        "mtable",
        "mtr",
        "mtd",
        "mlabeledtr",
    ]
)
ATTRIBUTES = frozenset(
    [
        "display",
        "mathvariant",
        "mathsize",
        "mathcolor",
        "mathbackground",
        "stretchy",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "minsize",
        "maxsize",
        "movablelimits",
        "accent",
        "accentunder",
        "linethickness",
        "columnalign",
        "rowalign",
        "columnlines",
        "rowlines",
        "columnspacing",
        "rowspacing",
        "frame",
        "displaystyle",
        "scriptlevel",
        "width",
        "height",
        "depth",
        "voffset",
        "notation",
        "open",
        "close",
        "separators",
        "form",
        "largeop",
        "symmetric",
        "rowspan",
        "columnspan",
    ]
)
SAFE_URL = re.compile(r"https?://", re.IGNORECASE)
# latex2mathml writes symbols as numeric character references inside its text.
_CHAR_REF = re.compile(r"&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


def is_safe_url(url: str) -> bool:
    """Only http(s) links: no javascript:, data:, file: or relative URLs."""
    return SAFE_URL.match(url) is not None


def latex_to_mathml(tex: str, display: bool) -> str:
    """One <math> element for `tex`; raises whatever latex2mathml raises for invalid TeX."""
    from latex2mathml.converter import convert_to_element

    return serialise(convert_to_element(tex, display="block" if display else "inline"))


def serialise(element: Element) -> str:
    """`element` as allowlisted MathML markup."""
    out: list[str] = []
    _write(element, out)
    return "".join(out)


def _write(element: Element, out: list[str]) -> None:
    tag = str(element.tag)
    known = tag in ELEMENTS
    if known:
        out.append(f"<{tag}")
        if tag == "math":
            out.append(f' xmlns="{MATHML_NS}"')
        for name, value in element.attrib.items():
            if _allowed(name, value):
                out.append(f" {name}={quoteattr(_text(value))}")
        out.append(">")
    out.append(escape(_text(element.text or "")))
    for child in element:
        _write(child, out)
        out.append(escape(_text(child.tail or "")))
    if known:
        out.append(f"</{tag}>")


def _allowed(name: str, value: str) -> bool:
    if name == "href":
        return is_safe_url(value)
    return name in ATTRIBUTES


def _text(raw: str) -> str:
    """latex2mathml's text with its character references decoded (escaped again on output)."""

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _CHAR_REF.sub(decode, raw)
