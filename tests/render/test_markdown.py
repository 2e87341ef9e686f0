"""Markdown + LaTeX to pane HTML: every formula renders, broken input shows marked, no HTML injection."""

from __future__ import annotations

import pytest

from desktop_ocr.render.markdown import MarkdownRenderer
from desktop_ocr.render.math import MathJaxRenderer, ZiamathRenderer, default_math_renderer

CASES = {
    "fraction": r"\frac{a+b}{c-d}",
    "roots": r"\sqrt{x^2+1} + \sqrt[3]{y}",
    "sum and integral": r"\sum_{i=1}^{n} i^2 = \int_0^1 f(x)\,dx",
    "matrix": r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
    "cases": r"f(x) = \begin{cases} x & x > 0 \\ -x & \text{otherwise} \end{cases}",
    "aligned": r"\begin{aligned} a &= b + c \\[2pt] d &= e \end{aligned}",
    "blackboard and calligraphic": r"\mathbb{R} \subset \mathcal{C}",
    "accents": r"\hat{x} + \vec{v} + \bar{y} + \tilde{z} + \dot{a}",
    "chemistry": r"\ce{2H2 + O2 -> 2H2O}",
}


@pytest.fixture(scope="module")
def renderer():
    return MarkdownRenderer(default_math_renderer())


@pytest.mark.parametrize("name", list(CASES))
def test_formula_renders_as_an_image(renderer, name):
    doc = renderer.render(f"Before\n\n$${CASES[name]}$$\n\nAfter with ${CASES[name]}$ inline.")
    assert doc.broken == []
    assert len(doc.formulas) == 2
    assert doc.html.count('src="formula:') == 2
    assert 'align="center"' in doc.html and "vertical-align: middle" in doc.html


def test_default_renderer_is_mathjax():
    assert default_math_renderer().name == "MathJax"


def test_mathjax_gives_baseline_metrics():
    svg = MathJaxRenderer().render(r"\frac{1}{x_2}", display=False)
    assert svg.width_em > 0 and svg.ascent_em > 0 and svg.depth_em > 0
    assert "currentColor" in svg.svg


def test_ziamath_fallback_renders():
    svg = ZiamathRenderer().render(r"\frac{a}{b} + \sqrt{x}", display=True)
    assert svg.width_em > 0 and svg.ascent_em > 0 and "<svg" in svg.svg


def test_markdown_table(renderer):
    doc = renderer.render("| x | $x^2$ |\n|---|---|\n| 2 | 4 |\n")
    assert "<table" in doc.html and "<td>2</td>" in doc.html and len(doc.formulas) == 1


@pytest.mark.parametrize(
    "broken", [r"$\frac{a}{b$", r"$$\begin{matrix} 1 & 2$$", r"$x^^2$", r"$\undefinedmacro{x}$"]
)
def test_broken_latex_shows_its_source_marked(renderer, broken):
    doc = renderer.render(f"text {broken} more")
    assert doc.broken, doc.html
    assert "<code" in doc.html and "color:#c0392b" in doc.html
    assert "more" in doc.html


def test_streaming_closes_the_open_formula(renderer):
    doc = renderer.render(r"Result: $$\frac{1}{2", streaming=True)
    assert doc.broken == [] and len(doc.formulas) == 1


def test_latex_mode_renders_a_bare_formula_as_display_math(renderer):
    doc = renderer.render(r"\frac{a}{b}", latex_mode=True)
    assert len(doc.formulas) == 1 and doc.formulas[0].display


@pytest.mark.parametrize(
    ("attack", "must_not_contain"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img src=x"),
        ('<a href="file:///etc/passwd">secrets</a>', 'href="file:'),
        ("<style>body{display:none}</style>", "<style"),
        ("[click](file:///etc/passwd)", 'href="file:'),
        ("[run](javascript:alert(1))", 'href="javascript:'),
        ("![x](file:///etc/passwd)", 'src="file:'),
        ("<file:///etc/passwd>", 'href="file:'),
    ],
)
def test_model_output_is_never_html(renderer, attack, must_not_contain):
    doc = renderer.render(f"before {attack} after")
    assert must_not_contain not in doc.html
    assert "before" in doc.html and "after" in doc.html


def test_html_in_output_is_shown_as_text(renderer):
    doc = renderer.render("<script>alert(1)</script>")
    assert "&lt;script&gt;" in doc.html


def test_http_links_stay_links(renderer):
    doc = renderer.render("[site](https://example.org)")
    assert '<a href="https://example.org">site</a>' in doc.html
