"""The formats the user copies: Markdown source, plain text, LaTeX with chosen delimiters, MathML."""

from __future__ import annotations

import re
from enum import Enum

from markdown_it.token import Token

from .delimiters import has_math_delimiters, normalise_delimiters
from .markdown import math_markdown_parser
from .mathml import latex_to_mathml


class Delimiters(str, Enum):
    """How copied LaTeX marks its formulas."""

    DOLLAR = "$…$"
    DOUBLE_DOLLAR = "$$…$$"
    PAREN = r"\(…\)"
    BRACKET = r"\[…\]"
    EQUATION = "equation"


def _wrap(tex: str, display: bool, style: Delimiters) -> str:
    """Inline formulas as $…$ or \\(…\\); displayed ones as $$…$$, \\[…\\] or an equation."""
    tex = tex.strip()
    if style in (Delimiters.PAREN, Delimiters.BRACKET):
        return f"\\[{tex}\\]" if display else f"\\({tex}\\)"
    if style is Delimiters.EQUATION and display:
        return f"\\begin{{equation}}\n{tex}\n\\end{{equation}}"
    return f"$${tex}$$" if display else f"${tex}$"


_DISPLAY_STYLES = (Delimiters.DOUBLE_DOLLAR, Delimiters.BRACKET, Delimiters.EQUATION)


_MD = math_markdown_parser()
_MATH_TOKENS = {
    "math_inline": False,
    "math_inline_double": True,
    "math_block": True,
    "math_block_label": True,
}


def is_bare_formula(text: str, latex_mode: bool) -> bool:
    """An answer in LaTeX mode without delimiters is one formula."""
    return latex_mode and bool(text.strip()) and not has_math_delimiters(text)


def to_latex(text: str, style: Delimiters, latex_mode: bool = False) -> str:
    """The answer with every formula in the chosen delimiters; prose stays as it is."""
    if is_bare_formula(text, latex_mode):
        return _wrap(text, style in _DISPLAY_STYLES, style)
    source = normalise_delimiters(text)
    tokens = _MD.parse(source)
    lines = source.splitlines(keepends=True)
    # Rewrite from the end so that earlier offsets stay valid.
    replacements: list[tuple[int, int, str]] = []
    for token in tokens:
        if token.type in ("math_block", "math_block_label", "amsmath") and token.map:
            start, end = token.map
            display_tex = token.content
            if token.type == "amsmath":
                replacement = display_tex.rstrip("\n") + "\n"
            else:
                replacement = _wrap(display_tex, True, style) + "\n"
            replacements.append((start, end, replacement))
    for start, end, replacement in sorted(replacements, reverse=True):
        lines[start:end] = [replacement]
    return _rewrite_inline("".join(lines), style)


_INLINE = re.compile(r"(?<!\\)(\$\$?)(.+?)(?<!\\)\1", re.DOTALL)


def _rewrite_inline(text: str, style: Delimiters) -> str:
    def replace(match: re.Match[str]) -> str:
        return _wrap(match.group(2), match.group(1) == "$$", style)

    out: list[str] = []
    for part in re.split(r"(```.*?```|`[^`]*`|\\begin\{(\w+\*?)\}.*?\\end\{\2\})", text, flags=re.DOTALL):
        if part is None:
            continue
        if part.startswith(("`", "\\begin")):
            out.append(part)
        else:
            out.append(_INLINE.sub(replace, part))
    return "".join(out)


def to_plain_text(text: str, latex_mode: bool = False) -> str:
    """The answer without Markdown markup: table cells tab-separated, formulas as $TeX$."""
    if is_bare_formula(text, latex_mode):
        return text.strip()
    tokens = _MD.parse(normalise_delimiters(text))
    out: list[str] = []
    _plain(tokens, out)
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip() + "\n"


def _plain(tokens: list[Token], out: list[str]) -> None:
    for token in tokens:
        kind = token.type
        if kind == "inline":
            _plain(token.children or [], out)
        elif kind in ("text", "code_inline"):
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "math_inline":
            out.append(f"${token.content}$")
        elif kind in _MATH_TOKENS or kind == "amsmath":
            out.append(f"$${token.content.strip()}$$\n\n" if kind != "amsmath" else token.content + "\n")
        elif kind in ("code_block", "fence"):
            out.append(token.content + "\n")
        elif kind in ("paragraph_close", "heading_close", "blockquote_close"):
            out.append("\n\n")
        elif kind == "list_item_open":
            out.append("- " if token.markup in "-*+" else f"{token.info}. ")
        elif kind == "list_item_close":
            pass
        elif kind in ("th_close", "td_close"):
            out.append("\t")
        elif kind == "tr_close":
            if out and out[-1] == "\t":
                out.pop()
            out.append("\n")
        elif kind == "table_close":
            out.append("\n")
        elif kind == "image":
            out.append("".join(child.content for child in token.children or []))
        elif kind == "hr":
            out.append("\n")


def to_mathml(text: str, latex_mode: bool = False) -> str:
    """MathML for pasting into Word: one <math> element per formula, prose kept as (escaped) text."""
    from xml.sax.saxutils import escape

    if is_bare_formula(text, latex_mode):
        return latex_to_mathml(text.strip(), display=True)

    # Formulas are swapped for placeholders first, so that the prose around them is escaped
    # and the MathML is not.
    formulas: list[str] = []

    def keep(mathml: str) -> str:
        formulas.append(mathml)
        return f"\0{len(formulas) - 1}\0"

    def replace(match: re.Match[str]) -> str:
        return keep(latex_to_mathml(match.group(2).strip(), display=match.group(1) == "$$"))

    source = normalise_delimiters(text).replace("\0", "")
    source = re.sub(
        r"\\begin\{(\w+\*?)\}(.*?)\\end\{\1\}",
        lambda m: keep(latex_to_mathml(m.group(0), display=True)),
        source,
        flags=re.DOTALL,
    )
    source = _INLINE.sub(replace, source)
    return re.sub(r"\0(\d+)\0", lambda m: formulas[int(m.group(1))], escape(source))
