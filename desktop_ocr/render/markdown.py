"""Model output (Markdown with LaTeX) to the HTML subset QTextBrowser shows.

Never interprets model output as HTML: raw HTML is shown as text, links other than
http(s) become text, images become their alt text, and formulas become
`formula:N` image references that the pane draws from SVG.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .delimiters import close_open_math, has_math_delimiters, normalise_delimiters
from .marks import CLOSE, OPEN, SENTINELS, Span, sentinels_to_html, strip_sentinels, with_sentinels
from .math import MathError, MathRenderer
from .mathml import is_safe_url

FORMULA_SCHEME = "formula"


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool
    marks: tuple[int, ...] = ()  # indices of the uncertain spans that reach into it
    alone: bool = False  # the whole answer is this one display formula (drawn larger)


@dataclass
class Document:
    """HTML for the pane, and the formulas its `formula:N` images stand for."""

    html: str
    formulas: list[Formula] = field(default_factory=list)
    broken: list[Formula] = field(default_factory=list)
    marks: list[Span] = field(default_factory=list)

    def formula_at(self, url: str) -> Formula | None:
        prefix = f"{FORMULA_SCHEME}:"
        if not url.startswith(prefix):
            return None
        try:
            return self.formulas[int(url[len(prefix) :])]
        except (ValueError, IndexError):
            return None


def as_markdown(text: str, latex_mode: bool) -> str:
    """The Markdown to render: in LaTeX mode a bare formula is shown as display math."""
    if latex_mode and text.strip() and not has_math_delimiters(text):
        return f"$$\n{text.strip()}\n$$"
    return text


_DISPLAY_TOKENS = {"math_block", "math_block_label", "amsmath"}


def is_formula_only(md: MarkdownIt, source: str) -> bool:
    """Whether the Markdown is one display formula and nothing else (a formula-only answer)."""
    blocks = [token for token in md.parse(source) if token.level == 0]
    if len(blocks) == 1:
        return blocks[0].type in _DISPLAY_TOKENS
    if [token.type for token in blocks] == ["paragraph_open", "inline", "paragraph_close"]:
        children = [c for c in blocks[1].children or [] if c.type != "text" or c.content.strip()]
        return len(children) == 1 and children[0].type == "math_inline_double"
    return False


def math_markdown_parser() -> MarkdownIt:
    """Markdown (CommonMark, tables, strikethrough; raw HTML off) with $, $$ and AMS math.

    The pane and the copy formats both parse with this, so they find the same formulas.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(
        dollarmath_plugin,
        allow_labels=True,
        allow_space=True,
        allow_digits=True,
        allow_blank_lines=True,
        double_inline=True,
    )
    md.use(amsmath_plugin)
    return md


def _parser() -> MarkdownIt:
    md = math_markdown_parser()
    rules: dict[str, Any] = {
        "math_inline": _inline_math,
        "math_inline_double": _display_math,
        "math_block": _display_math,
        "math_block_label": _display_math,
        "amsmath": _ams_math,
        "link_open": _link_open,
        "link_close": _link_close,
        "image": _image,
        "table_open": _table_open,
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
    return md


def _formula(env: dict[str, Any], tex: str, display: bool) -> str:
    clean, marks = strip_sentinels(tex)
    before, after = _unmatched(tex)
    return before + _formula_html(env, Formula(clean.strip(), display, tuple(marks))) + after


def _unmatched(tex: str) -> tuple[str, str]:
    """Sentinels of spans that cross the formula's edge, re-emitted outside it."""
    stack: list[str] = []
    closes = 0
    for match in SENTINELS.finditer(tex):
        char = match.group()
        if char == OPEN:
            stack.append("")
        elif char == CLOSE:
            if stack:
                stack.pop()
            else:
                closes += 1
        elif stack and not stack[-1]:
            stack[-1] = OPEN + char
    return CLOSE * closes, "".join(stack)


def _formula_html(env: dict[str, Any], formula: Formula) -> str:
    renderer: MathRenderer = env["math"]
    display = formula.display
    try:
        renderer.check(formula.tex, display)
    except MathError as error:
        env["broken"].append(formula)
        delimiter = "$$" if display else "$"
        source = html.escape(f"{delimiter}{formula.tex}{delimiter}")
        marked = f'<code style="color:#c0392b;" title="{html.escape(str(error), quote=True)}">{source}</code>'
        return f'<p align="center">{marked}</p>\n' if display else marked
    env["formulas"].append(formula)
    index = len(env["formulas"]) - 1
    # A formula holding an uncertain token is drawn in the mark colour (the pane does it) and
    # titled with the least sure token's tooltip.
    spans: Sequence[Span] = env.get("marks", ())
    touching = [spans[i] for i in formula.marks if i < len(spans)]
    title = (
        f' title="{html.escape(min(touching, key=lambda s: s.p).tooltip(), quote=True)}"' if touching else ""
    )
    if display:
        return f'<p align="center"><img src="{FORMULA_SCHEME}:{index}"{title}></p>\n'
    return f'<img src="{FORMULA_SCHEME}:{index}" style="vertical-align: middle;"{title}>'


def _inline_math(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return _formula(env, tokens[idx].content, display=False)


def _display_math(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return _formula(env, tokens[idx].content, display=True)


def _ams_math(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return _formula(env, tokens[idx].content, display=True)


def _safe_href(token: Token) -> str | None:
    href = str(token.attrGet("href") or "")
    return href if is_safe_url(href) else None


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    href = _safe_href(tokens[idx])
    env.setdefault("links", []).append(href)
    return f'<a href="{html.escape(href, quote=True)}">' if href else ""


def _link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    links = env.get("links") or [None]
    return "</a>" if links.pop() else ""


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    alt = "".join(child.content for child in tokens[idx].children or [])
    return html.escape(f"[image: {alt}]" if alt else "[image]")


def _table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return '<table border="1" cellspacing="0" cellpadding="4">\n'


class MarkdownRenderer:
    """Renders one answer at a time; formulas are checked with the given math renderer."""

    def __init__(self, math: MathRenderer) -> None:
        self.math = math
        self._md = _parser()

    def render(
        self, text: str, *, streaming: bool = False, latex_mode: bool = False, marks: Sequence[Span] = ()
    ) -> Document:
        """HTML for `text`; while streaming, an unfinished formula is closed speculatively.

        `marks` (character spans of `text`) become `<a name="uncertain-N" title=…>` around the
        text and the `marks` of the formulas they reach into.
        """
        source = normalise_delimiters(as_markdown(with_sentinels(text, marks), latex_mode))
        if streaming:
            source = close_open_math(source)
        env: dict[str, Any] = {"math": self.math, "formulas": [], "broken": [], "marks": marks}
        body = self._md.render(source, env)
        # markdown-it ends a code block with its newline; Qt would show it as an empty last line.
        body = body.replace("\n</code></pre>", "</code></pre>")
        formulas: list[Formula] = env["formulas"]
        if len(formulas) == 1 and formulas[0].display and is_formula_only(self._md, source):
            formulas[0] = replace(formulas[0], alone=True)
        if marks:
            body = sentinels_to_html(body, marks)
        return Document(html=body, formulas=formulas, broken=env["broken"], marks=list(marks))
