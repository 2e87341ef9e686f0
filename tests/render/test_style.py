"""The answer's look, the same in the pane's HTML and in a saved .html: code tinted, tables with
room around them, a formula-only answer drawn larger."""

from __future__ import annotations

from desktop_ocr.render.html_export import standalone_html
from desktop_ocr.render.markdown import MarkdownRenderer, is_formula_only, math_markdown_parser
from desktop_ocr.render.math import default_math_renderer
from desktop_ocr.render.style import pane_style_sheet, tint


def _lightness(colour: str) -> int:
    return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_the_code_tint_moves_toward_the_text_in_either_palette():
    assert _lightness(tint("#ffffff", "#000000")) < _lightness("#ffffff")
    assert _lightness(tint("#1e1e1e", "#e6e6e6")) > _lightness("#1e1e1e")
    assert tint("#1e1e1e", "#e6e6e6") in pane_style_sheet("#1e1e1e", "#e6e6e6")


def test_a_code_block_ends_with_its_last_line():
    html = MarkdownRenderer(default_math_renderer()).render("```\nx = 1\n```\n").html
    assert "x = 1</code></pre>" in html


def test_only_a_lone_display_formula_is_formula_only():
    md = math_markdown_parser()
    assert is_formula_only(md, "$$E = mc^2$$")
    assert is_formula_only(md, "$$\nE = mc^2\n$$\n")
    assert is_formula_only(md, "\\begin{align}a &= b\\end{align}")
    assert not is_formula_only(md, "So $$E = mc^2$$ holds")
    assert not is_formula_only(md, "$$a$$\n\n$$b$$")
    assert not is_formula_only(md, "$E = mc^2$")
    assert not is_formula_only(md, "Just text")
    renderer = MarkdownRenderer(default_math_renderer())
    assert renderer.render("$$E = mc^2$$").formulas[0].alone
    assert not renderer.render("So:\n\n$$E = mc^2$$").formulas[0].alone


def test_the_export_has_the_panes_look():
    page = standalone_html("$$E = mc^2$$", "f")
    assert 'class="formula-only"' in page and ".formula-only math" in page
    assert "pre, code" in page and "table {" in page
    assert 'class="formula-only"' not in standalone_html("So $$E = mc^2$$ holds", "f")
