"""A history row's preview: the first words, without Markdown syntax or formula delimiters."""

from __future__ import annotations

import pytest

from desktop_ocr.history.preview import preview


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# Receipt\n\nThe total $$a+b$$ is **42**.", "Receipt"),
        ("$$\n\\frac{a}{b}\n$$\nA fraction.", "\\frac{a}{b}"),
        ("**Page 1**\n\n- first *item*", "first item"),
        ("| a | **b** |\n|---|---|\n| 1 | 2 |", "a · b"),
        ("> `code` and \\(x\\)", "code and x"),
        ("$$\n$$\n", ""),
    ],
)
def test_the_preview_is_the_first_words_without_syntax(text: str, shown: str) -> None:
    assert preview(text) == shown
