"""The joined document and its export formats, read back."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from desktop_ocr.engine import GenerationStats
from desktop_ocr.pages import PageResult, join_markdown, page_text_offsets
from desktop_ocr.render.document_export import FORMATS, format_of, render_document, write_document
from desktop_ocr.render.markdown import math_markdown_parser

PAGES = [
    PageResult(
        "paper.pdf",
        1,
        "# Title\n\nEnergy $E = mc^2$ here.",
        GenerationStats(visual_tokens=1260, new_tokens=12),
    ),
    PageResult("paper.pdf", 2, "| a | b |\n|---|---|\n| 1 | 2 |\n\n$$\\frac{1}{2}$$\n", GenerationStats()),
    PageResult("paper.pdf", 3, "Last line with <script>alert(1)</script> text"),
]


def test_pages_are_joined_in_order_with_a_rule_and_a_marker():
    text = join_markdown(PAGES)
    assert (
        text.index("**Page 1**") < text.index("# Title") < text.index("**Page 2**") < text.index("**Page 3**")
    )
    tokens = [token.type for token in math_markdown_parser().parse(text)]
    # Two rules between three pages; the page's own heading is still a heading of level 1.
    assert tokens.count("hr") == 2
    assert tokens.count("heading_open") == 1
    assert text.endswith("text\n")


def test_the_marker_never_turns_the_line_above_into_a_heading():
    text = join_markdown([PageResult("a.pdf", 1, "ends with a line"), PageResult("a.pdf", 2, "next")])
    assert "heading_open" not in [token.type for token in math_markdown_parser().parse(text)]


def test_each_pages_text_offset_is_where_the_joined_text_holds_it():
    pages = [
        PageResult("a.pdf", 1, "\n\nfirst page\n"),
        PageResult("a.pdf", 2, "second"),
        PageResult("a.pdf", 12, ""),
        PageResult("b.png", None, "an image\n\n"),
    ]
    text = join_markdown(pages)
    for page, offset in zip(pages, page_text_offsets(pages), strict=True):
        body = page.text.strip("\n")
        lead = len(page.text) - len(page.text.lstrip("\n"))
        assert text[offset + lead : offset + lead + len(body)] == body
    assert page_text_offsets(pages)[1] == text.index("second")


def test_plain_images_are_unmarked():
    assert join_markdown([PageResult("a.png", None, "hello\n")]) == "hello\n"


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.setdefault(tag, []).append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_standalone_with_mathml_and_no_model_html():
    page = render_document(PAGES, "html", title="paper.pdf")
    parsed = Collect()
    parsed.feed(page)
    parsed.close()
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.tags[:4] == ["html", "head", "meta", "title"]
    assert {"meta": [{"charset": "utf-8"}]}["meta"][0] in parsed.attrs["meta"]
    assert "table" in parsed.tags and "h1" in parsed.tags and parsed.tags.count("hr") == 2
    displays = [attrs.get("display") for attrs in parsed.attrs["math"]]
    assert displays == ["inline", "block"]
    assert "mfrac" in parsed.tags
    assert "script" not in parsed.tags  # the model's text is never HTML
    assert "<script>alert(1)</script>" in "".join(parsed.text)
    assert "Page 3" in "".join(parsed.text)


def test_jsonl_has_one_line_per_page():
    lines = render_document(PAGES, "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["file"], r["page"]) for r in records] == [("paper.pdf", 1), ("paper.pdf", 2), ("paper.pdf", 3)]
    assert records[0]["text"] == PAGES[0].text
    assert records[0]["stats"]["visual_tokens"] == 1260 and records[0]["stats"]["stop_reason"] == "end"
    assert records[2]["stats"] is None


def test_text_has_page_lines_and_no_markup():
    text = render_document(PAGES, "txt")
    assert "===== Page 2 =====" in text
    assert "**" not in text and "# Title" not in text and "Title" in text
    assert "a\tb" in text and "$E = mc^2$" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_document_by_extension(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    write_document(path, PAGES)
    assert path.read_text(encoding="utf-8") == render_document(PAGES, fmt, title="paper.pdf")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_unknown_extension_says_which_there_are():
    with pytest.raises(ValueError, match=r"\.md, \.txt, \.html or \.jsonl"):
        format_of("out.docx")
    assert format_of("OUT.Markdown") == "md" and format_of("x.htm") == "html"
