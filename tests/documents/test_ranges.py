"""Page ranges: what people type, and what is refused in one line."""

import pytest

from desktop_ocr.documents import PageRangeError, parse_page_ranges


@pytest.mark.parametrize(
    ("text", "count", "pages"),
    [
        ("1-3,7", 10, [1, 2, 3, 7]),
        ("7,1-2", 10, [7, 1, 2]),
        ("5-", 7, [5, 6, 7]),
        ("-2", 7, [1, 2]),
        (" 2 , 2-3 ", 5, [2, 3]),
        ("4", 4, [4]),
    ],
)
def test_ranges_resolve_in_the_order_given_without_repeats(text, count, pages):
    assert parse_page_ranges(text).resolve(count) == pages


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("a", "not a page range"),
        ("1-3-5", "not a page range"),
        ("0", "numbered from 1"),
        ("5-2", "backwards"),
        ("1,,2", "not a page range"),
        ("-", "not a page range"),
    ],
)
def test_bad_ranges_are_one_line(text, fragment):
    with pytest.raises(PageRangeError) as error:
        parse_page_ranges(text)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_pages_beyond_the_end_say_the_page_count():
    with pytest.raises(PageRangeError, match=r"page 9 is beyond the end: the document has 3 pages"):
        parse_page_ranges("1-2,9").resolve(3)
    with pytest.raises(PageRangeError, match=r"has 1 page$"):
        parse_page_ranges("2-").resolve(1)
