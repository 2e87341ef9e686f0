"""The answer as RTF with each formula as RTF math (`\\mmath`, Office Math in RTF).

Word writes equations to the clipboard this way, and LibreOffice's RTF import turns them
into formula objects (its HTML import reads MathML as plain symbols). Prose is plain
paragraphs; tables are rows of tab-separated cells.
"""

from __future__ import annotations

import html
from xml.etree.ElementTree import Element

from markdown_it.token import Token

from .delimiters import normalise_delimiters
from .export import is_bare_formula
from .markdown import math_markdown_parser

_MD = math_markdown_parser()
_NS = "{http://www.w3.org/1998/Math/MathML}"


def escape(text: str) -> str:
    """RTF text: backslash and braces escaped, everything beyond ASCII as \\uN? (UTF-16 units)."""
    out: list[str] = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\line ")
        elif char == "\t":
            out.append("\\tab ")
        elif ord(char) < 128:
            out.append(char)
        else:
            encoded = char.encode("utf-16-le")
            for index in range(0, len(encoded), 2):
                unit = int.from_bytes(encoded[index : index + 2], "little")
                out.append(f"\\u{unit - 65536 if unit > 32767 else unit}?")
    return "".join(out)


def _run(text: str) -> str:
    return f"{{\\mr {escape(text)}}}" if text else ""


def _tag(element: Element) -> str:
    return element.tag.removeprefix(_NS)


def _text(element: Element) -> str:
    return html.unescape("".join(element.itertext()))


def _arg(element: Element | None) -> str:
    return _omath(element) if element is not None else ""


def _omath(element: Element) -> str:
    """One MathML element as RTF math (Office Math's elements as control words)."""
    tag = _tag(element)
    kids = list(element)
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        return _run(_text(element))
    if tag == "mspace":
        return _run(" ")
    if tag == "msup" and len(kids) == 2:
        return f"{{\\msSup{{\\me {_arg(kids[0])}}}{{\\msup {_arg(kids[1])}}}}}"
    if tag == "msub" and len(kids) == 2:
        return f"{{\\msSub{{\\me {_arg(kids[0])}}}{{\\msub {_arg(kids[1])}}}}}"
    if tag == "msubsup" and len(kids) == 3:
        base, sub, sup = (_arg(kid) for kid in kids)
        return f"{{\\msSubSup{{\\me {base}}}{{\\msub {sub}}}{{\\msup {sup}}}}}"
    if tag == "mfrac" and len(kids) == 2:
        return f"{{\\mf{{\\mnum {_arg(kids[0])}}}{{\\mden {_arg(kids[1])}}}}}"
    if tag == "msqrt":
        inner = "".join(_omath(kid) for kid in kids)
        return f"{{\\mrad{{\\mradPr{{\\mdegHide 1}}}}{{\\mdeg }}{{\\me {inner}}}}}"
    if tag == "mroot" and len(kids) == 2:
        return f"{{\\mrad{{\\mdeg {_arg(kids[1])}}}{{\\me {_arg(kids[0])}}}}}"
    if tag == "mover" and len(kids) == 2:
        if element.get("accent") == "true" and _tag(kids[1]) == "mo":
            mark = escape(_text(kids[1]))
            return f"{{\\macc{{\\maccPr{{\\mchr {mark}}}}}{{\\me {_arg(kids[0])}}}}}"
        return f"{{\\mlimUpp{{\\me {_arg(kids[0])}}}{{\\mlim {_arg(kids[1])}}}}}"
    if tag == "munder" and len(kids) == 2:
        return f"{{\\mlimLow{{\\me {_arg(kids[0])}}}{{\\mlim {_arg(kids[1])}}}}}"
    if tag == "munderover" and len(kids) == 3:
        low = f"{{\\mlimLow{{\\me {_arg(kids[0])}}}{{\\mlim {_arg(kids[1])}}}}}"
        return f"{{\\mlimUpp{{\\me {low}}}{{\\mlim {_arg(kids[2])}}}}}"
    if tag == "mtable":
        rows = []
        for row in kids:
            cells = "".join(f"{{\\me {''.join(_omath(k) for k in cell)}}}" for cell in row)
            rows.append(f"{{\\mmr {cells}}}")
        return f"{{\\mm {''.join(rows)}}}"
    # mrow, mstyle, semantics, math and anything else: its children in order
    return "".join(_omath(kid) for kid in kids if _tag(kid) != "annotation")


def rtf_formula(tex: str, display: bool) -> str:
    """A formula as RTF math; TeX the converter cannot read stays as its source text."""
    from latex2mathml.converter import convert_to_element

    try:
        body = _omath(convert_to_element(tex.strip()))
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds; keep the source visible
        delimiter = "$$" if display else "$"
        return escape(f"{delimiter}{tex.strip()}{delimiter}")
    if display:
        return f"{{\\mmath{{\\*\\moMathPara{{\\*\\moMath {body}}}}}}}"
    return f"{{\\mmath{{\\*\\moMath {body}}}}}"


_DISPLAY = {"math_block", "math_block_label", "amsmath"}


def to_rtf(text: str, latex_mode: bool = False) -> str:
    """The whole answer as an RTF document."""
    source = f"$${text.strip()}$$" if is_bare_formula(text, latex_mode) else text
    paragraphs: list[str] = []
    current: list[str] = []
    for token in _MD.parse(normalise_delimiters(source)):
        kind = token.type
        if kind == "inline":
            current.append(_inline(token.children or []))
        elif kind in _DISPLAY:
            paragraphs.append(rtf_formula(token.content, display=True))
        elif kind in ("fence", "code_block"):
            paragraphs.append(escape(token.content.rstrip("\n")))
        elif kind == "list_item_open":
            current.append("- " if token.markup in "-*+" else f"{token.info}. ")
        elif kind in ("th_close", "td_close"):
            current.append("\\tab ")
        elif kind in ("paragraph_close", "heading_close", "tr_close"):
            line = "".join(current).removesuffix("\\tab ")
            if line:
                paragraphs.append(line)
            current = []
    body = "".join(f"{{\\pard {paragraph}\\par}}\n" for paragraph in paragraphs)
    return "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}{\\f1 Cambria Math;}}\n" + body + "}\n"


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(escape(child.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append(" " if kind == "softbreak" else "\\line ")
        elif kind == "math_inline":
            out.append(rtf_formula(child.content, display=False))
        elif kind == "math_inline_double":
            out.append(rtf_formula(child.content, display=True))
        elif kind == "image":
            out.append(escape("".join(grandchild.content for grandchild in child.children or [])))
    return "".join(out)
