"""A standalone HTML file from Markdown with LaTeX: formulas as MathML, for browsers and Word."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .delimiters import normalise_delimiters
from .markdown import is_formula_only, math_markdown_parser
from .mathml import is_safe_url, latex_to_mathml
from .style import EXPORT_STYLE

_STYLE = f"""body {{ max-width: 50em; margin: 2em auto; padding: 0 1em;
  font-family: sans-serif; line-height: 1.5; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #999; padding: 0.2em 0.5em; }}
math[display="block"] {{ margin: 0.8em 0; }}
hr {{ margin: 2em 0; }}
{EXPORT_STYLE}"""


def _mathml(tex: str, display: bool) -> str:
    tex = tex.strip()
    try:
        return latex_to_mathml(tex, display)
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds; keep the source visible
        delimiter = "$$" if display else "$"
        return f"<code>{html.escape(delimiter + tex + delimiter)}</code>"


def _math(display: bool) -> Any:
    def rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        out = _mathml(tokens[idx].content, display)
        return out + "\n" if display else out

    return rule


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    href = str(tokens[idx].attrGet("href") or "")
    safe = is_safe_url(href)
    env.setdefault("links", []).append(safe)
    return f'<a href="{html.escape(href, quote=True)}">' if safe else ""


def _link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    links = env.get("links") or [False]
    return "</a>" if links.pop() else ""


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    alt = "".join(child.content for child in tokens[idx].children or [])
    return html.escape(f"[image: {alt}]" if alt else "[image]")


def _parser() -> MarkdownIt:
    md = math_markdown_parser()
    rules: dict[str, Any] = {
        "math_inline": _math(False),
        "math_inline_double": _math(True),
        "math_block": _math(True),
        "math_block_label": _math(True),
        "amsmath": _math(True),
        "link_open": _link_open,
        "link_close": _link_close,
        "image": _image,
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
    return md


_MD = _parser()


def markdown_to_html_body(text: str) -> str:
    """The body HTML: model text is never read as HTML; formulas become <math> elements."""
    source = normalise_delimiters(text)
    body = _MD.render(source, {})
    # A formula-only answer is drawn larger, as in the window's pane.
    return f'<div class="formula-only">\n{body}</div>\n' if is_formula_only(_MD, source) else body


def standalone_html(text: str, title: str) -> str:
    """A complete UTF-8 HTML5 page for `text` (Markdown with LaTeX)."""
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        f"{markdown_to_html_body(text)}</body>\n</html>\n"
    )
