"""Line breaks: as written, paragraphs joined, one line; formulas, tables and code stay whole."""

from __future__ import annotations

import pytest

from desktop_ocr.render.linebreaks import LineBreaks, apply_line_breaks

WRAPPED = """# Results
The measured inter-
ference was small
and Jean-
Paul agreed.

Second paragraph
on two lines."""


def test_keep_changes_nothing():
    assert apply_line_breaks(WRAPPED, LineBreaks.KEEP) == WRAPPED


def test_paragraphs_join_their_lines_and_mend_broken_words():
    assert apply_line_breaks(WRAPPED, "paragraphs") == (
        "# Results\n"
        "The measured interference was small and Jean-Paul agreed.\n\n"
        "Second paragraph on two lines."
    )


def test_without_dehyphenation_the_hyphen_stays():
    out = apply_line_breaks(WRAPPED, LineBreaks.PARAGRAPHS, dehyphenate=False)
    assert "inter-ference" in out


def test_single_puts_prose_on_one_line():
    assert apply_line_breaks(WRAPPED, LineBreaks.SINGLE) == (
        "Results The measured interference was small and Jean-Paul agreed. Second paragraph on two lines."
    )


MIXED = r"""Energy is
$E =
mc^2$ here.

- first item
  wraps
- second

| a | b |
|---|---|
| 1 | 2 |

$$
\int_0^1 x
\,dx
$$

```
code line one
code line two
```

<table><tr>
<td>x</td></tr></table>
After the
table."""


@pytest.mark.parametrize("mode", [LineBreaks.PARAGRAPHS, LineBreaks.SINGLE])
def test_formulas_tables_and_code_are_never_joined(mode):
    out = apply_line_breaks(MIXED, mode)
    for whole in (
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "$$\n\\int_0^1 x\n\\,dx\n$$",
        "```\ncode line one\ncode line two\n```",
        "<table><tr>\n<td>x</td></tr></table>",
        "$E =\nmc^2$",  # the break inside an inline formula is the formula's
    ):
        assert whole in out, (mode, whole)
    assert "Energy is $E =" in out
    assert "After the table." in out


def test_paragraphs_keep_list_items_apart():
    out = apply_line_breaks(MIXED, LineBreaks.PARAGRAPHS)
    assert "- first item wraps\n- second\n" in out


def test_single_joins_prose_up_to_the_next_table():
    out = apply_line_breaks(MIXED, LineBreaks.SINGLE)
    assert out.startswith("Energy is $E =\nmc^2$ here. - first item wraps - second\n\n| a | b |")
