"""Delimiter normalisation and speculative closing of half-streamed formulas."""

from __future__ import annotations

import pytest

from desktop_ocr.render.delimiters import close_formula, close_open_math, find_open_math, normalise_delimiters


def test_paren_and_bracket_delimiters_become_dollars():
    assert normalise_delimiters(r"a \(x\) b \[y\] c") == "a $x$ b $$y$$ c"


def test_a_line_break_with_spacing_is_left_alone():
    text = r"$$\begin{aligned} a \\[2pt] b \end{aligned}$$"
    assert normalise_delimiters(text) == text


@pytest.mark.parametrize(
    ("partial", "closed"),
    [
        (r"see $\fra", "see $$"),
        (r"$\frac{a}{", r"$\frac{a}{}$"),
        (r"$x^", r"$x^{}$"),
        (r"$$\left( \frac{1}{2}", r"$$\left( \frac{1}{2} \right.$$"),
        (r"$$\begin{pmatrix} 1 & 2 \\", r"$$\begin{pmatrix} 1 & 2 \\\end{pmatrix}$$"),
        ("done $x$ and text", "done $x$ and text"),
        ("price \\$5 and `code $ here`", "price \\$5 and `code $ here`"),
        ("opening only $$", "opening only "),
        (r"\begin{align} a &= b \\", r"\begin{align} a &= b \\\end{align}"),
    ],
)
def test_close_open_math(partial, closed):
    assert close_open_math(partial) == closed


def test_find_open_math_ignores_closed_and_escaped():
    assert find_open_math("$a$ and \\$ money") is None
    found = find_open_math("$a$ then $$b + ")
    assert found is not None and found.closer == "$$"


def test_close_formula_balances_nested_braces_and_environments():
    assert close_formula(r"\sqrt{\frac{1}{x") == r"\sqrt{\frac{1}{x}}"
    assert close_formula(r"\begin{cases} x & y \\ \begin{matrix} 1") == (
        r"\begin{cases} x & y \\ \begin{matrix} 1\end{matrix}\end{cases}"
    )
