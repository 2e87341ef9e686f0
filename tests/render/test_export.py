"""Copy formats: LaTeX with each delimiter style, plain text, MathML."""

from __future__ import annotations

import pytest

from desktop_ocr.render.export import Delimiters, to_latex, to_mathml, to_plain_text

DOC = "Energy $E = mc^2$ holds.\n\n$$\\int_0^1 x\\,dx$$\n\nDone."


@pytest.mark.parametrize(
    ("style", "inline", "display"),
    [
        (Delimiters.DOLLAR, "$E = mc^2$", "$$\\int_0^1 x\\,dx$$"),
        (Delimiters.DOUBLE_DOLLAR, "$E = mc^2$", "$$\\int_0^1 x\\,dx$$"),
        (Delimiters.PAREN, "\\(E = mc^2\\)", "\\[\\int_0^1 x\\,dx\\]"),
        (Delimiters.BRACKET, "\\(E = mc^2\\)", "\\[\\int_0^1 x\\,dx\\]"),
        (Delimiters.EQUATION, "$E = mc^2$", "\\begin{equation}\n\\int_0^1 x\\,dx\n\\end{equation}"),
    ],
)
def test_document_latex_in_each_style(style, inline, display):
    out = to_latex(DOC, style)
    assert inline in out and display in out
    assert out.startswith("Energy ") and out.rstrip().endswith("Done.")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (Delimiters.DOLLAR, "$\\frac{a}{b}$"),
        (Delimiters.DOUBLE_DOLLAR, "$$\\frac{a}{b}$$"),
        (Delimiters.PAREN, "\\(\\frac{a}{b}\\)"),
        (Delimiters.BRACKET, "\\[\\frac{a}{b}\\]"),
        (Delimiters.EQUATION, "\\begin{equation}\n\\frac{a}{b}\n\\end{equation}"),
    ],
)
def test_a_bare_formula_in_latex_mode_gets_the_chosen_delimiters(style, expected):
    assert to_latex("\\frac{a}{b}\n", style, latex_mode=True) == expected


def test_input_in_paren_delimiters_is_recognised():
    assert to_latex("a \\(x\\) b", Delimiters.DOLLAR) == "a $x$ b"


def test_plain_text_drops_markup_keeps_tables_and_formulas():
    text = "# Title\n\nSome **bold** text with $x^2$.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    plain = to_plain_text(text)
    assert "Title" in plain and "**" not in plain and "#" not in plain
    assert "Some bold text with $x^2$." in plain
    assert "a\tb\n1\t2" in plain


def test_mathml_for_each_formula():
    out = to_mathml(DOC)
    assert out.count("<math") == 2
    assert 'display="block"' in out and "Energy" in out and "Done." in out
    assert to_mathml("\\frac{a}{b}", latex_mode=True).startswith("<math")
