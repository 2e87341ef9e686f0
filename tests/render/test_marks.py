"""Uncertain spans from token probabilities, and their path through Markdown into pane HTML."""

from __future__ import annotations

import pytest

from desktop_ocr.engine.confidence import Alternative, TokenInfo
from desktop_ocr.render.markdown import MarkdownRenderer
from desktop_ocr.render.marks import SENTINELS, Span, uncertain_spans
from desktop_ocr.render.math import default_math_renderer


def tokens(*pairs):
    return [TokenInfo(i, text, p, (Alternative(99, "alt", 0.1),)) for i, (text, p) in enumerate(pairs)]


def test_adjacent_low_tokens_join_and_whitespace_is_trimmed():
    toks = tokens(("The", 0.9), (" ca", 0.2), ("t", 0.3), (" sat", 0.9), ("\nNew", 0.4))
    text = "".join(t.text for t in toks)
    spans = uncertain_spans(toks, 0.5)
    assert [text[s.start : s.end] for s in spans] == ["cat", "New"]
    assert spans[0].p == 0.2 and spans[0].alternatives == (("alt", 0.1),)


def test_spans_do_not_cross_lines_and_space_separated_runs_merge():
    toks = tokens(("a", 0.1), (" b", 0.1), ("\n", 0.1), ("c", 0.1))
    text = "".join(t.text for t in toks)
    assert [text[s.start : s.end] for s in uncertain_spans(toks, 0.5)] == ["a b", "c"]


@pytest.fixture(scope="module")
def renderer():
    return MarkdownRenderer(default_math_renderer())


def test_marks_become_named_anchors_with_the_tooltip(renderer):
    text = "The **cat** sat."
    doc = renderer.render(text, marks=[Span(6, 9, 0.2, (("dog", 0.1),))])
    assert '<a name="uncertain-0" title="p = 0.20' in doc.html
    assert "<strong>" in doc.html and not SENTINELS.search(doc.html)


def test_a_formula_holding_an_uncertain_token_is_marked_and_its_tex_is_clean(renderer):
    text = r"Energy $E = mc^2$ holds."
    start = text.index("mc")
    doc = renderer.render(text, marks=[Span(start, start + 2, 0.3)])
    assert doc.formulas[0].tex == "E = mc^2" and doc.formulas[0].marks == (0,)
    assert 'title="p = 0.30"' in doc.html and not SENTINELS.search(doc.html)


def test_a_span_crossing_a_formula_edge_keeps_the_html_balanced(renderer):
    text = r"ab $x+y$ cd"
    doc = renderer.render(text, marks=[Span(1, 5, 0.2), Span(6, 10, 0.1)])
    assert doc.html.count("<a ") == doc.html.count("</a>")
    assert [f.tex for f in doc.formulas] == ["x+y"]
    assert not SENTINELS.search(doc.html)


@pytest.mark.parametrize(
    ("text", "marker", "element", "marked"),
    [
        ("# Title\n", "#", "<h1>", "Title"),
        ("### Deep title\n", "###", "<h3>", "Deep"),
        ("- item\n- two\n", "-", "<li>", "item"),
        ("* star\n* two\n", "*", "<li>", "star"),
        ("+ plus\n", "+", "<li>", "plus"),
        ("1. first\n2. second\n", "1.", "<ol>", "first"),
        ("> quoted words\n", ">", "<blockquote>", "quoted"),
        ("> - nested item\n", "-", "<blockquote>\n<ul>", "nested"),
        ("| a | b |\n|---|---|\n| c | d |\n", "|", "<th>", "a"),
        ("| a | b |\n|---|---|\n| c | d |\n", "| c", "<td>", "c"),
    ],
)
def test_an_uncertain_line_start_marker_keeps_the_structure_and_marks_the_content(
    renderer, text, marker, element, marked
):
    start = text.rindex(marker) if marker == "| c" else text.index(marker)
    doc = renderer.render(text, marks=[Span(start, start + len(marker), 0.2)])
    assert element in doc.html
    assert f'<a name="uncertain-0" title="p = 0.20">{marked}</a>' in doc.html
    assert not SENTINELS.search(doc.html)


def test_a_span_across_table_cells_is_marked_in_each_cell_and_the_table_stays(renderer):
    text = "| a | b |\n|---|---|\n| cc | dd |\n"
    start = text.index("cc")
    doc = renderer.render(text, marks=[Span(start, text.index("dd") + 2, 0.2)])
    assert "<table" in doc.html and doc.html.count("<td>") == 2
    assert doc.html.count('<a name="uncertain-0"') == 2
    assert doc.html.count("<a ") == doc.html.count("</a>")


@pytest.mark.parametrize(("text", "syntax"), [("a\n\n---\n\nb", "---"), ("```\ncode\n```\n", "```")])
def test_an_uncertain_syntax_only_line_keeps_its_meaning_and_gets_no_mark(renderer, text, syntax):
    start = text.index(syntax)
    doc = renderer.render(text, marks=[Span(start, start + len(syntax), 0.2)])
    assert ("<hr />" if syntax == "---" else "<pre><code>code") in doc.html
    assert "uncertain-0" not in doc.html and not SENTINELS.search(doc.html)


def test_a_marked_formula_inside_a_list_item_is_still_marked(renderer):
    text = "- energy $E = mc^2$\n"
    start = text.index("mc")
    doc = renderer.render(text, marks=[Span(0, 1, 0.4), Span(start, start + 2, 0.3)])
    assert "<li>" in doc.html and doc.formulas[0].tex == "E = mc^2" and doc.formulas[0].marks == (1,)
    assert '<a name="uncertain-0" title="p = 0.40">energy</a>' in doc.html
