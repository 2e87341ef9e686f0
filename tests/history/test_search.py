"""Full-text search: prefixes, several words, file names, highlights, and hostile input."""

from __future__ import annotations

import pytest

from desktop_ocr.history import (
    MATCH_END,
    MATCH_START,
    HistoryStore,
    Source,
    Turn,
    fts_query,
    snippet_html,
    snippet_plain,
)

from .conftest import record


@pytest.fixture
def filled(store: HistoryStore) -> dict[str, int]:
    return {
        "invoice": store.add(record("Invoice 2024-117\nTotal due: 1,250.00 EUR")),
        "formula": store.add(record(r"E = mc^2 and \frac{a}{b}", mode="latex")),
        "file": store.add(
            record("Meeting notes", name="/home/ana/scans/quarterly_report.png", source=Source.FILE)
        ),
        "accents": store.add(record("Café crème brûlée, naïve résumé")),
        "custom": store.add(record("42", mode="")),  # the custom prompt "What is the total?" is indexed
    }


def ids(store: HistoryStore, query: str) -> set[int]:
    return {summary.id for summary in store.search(query)}


def test_each_typed_word_is_a_prefix(store: HistoryStore, filled: dict[str, int]) -> None:
    assert ids(store, "inv") == {filled["invoice"]}
    assert ids(store, "INVOICE 20") == {filled["invoice"]}  # case-insensitive, all words required
    assert ids(store, "invoice meeting") == set()
    assert ids(store, "quarter") == {filled["file"]}  # file names, split at _ / .
    assert ids(store, "scans report") == {filled["file"]}
    assert ids(store, "creme brulee") == {filled["accents"]}  # accents folded
    assert ids(store, "total") == {filled["invoice"], filled["custom"]}


def test_the_mode_instruction_is_not_searched(store: HistoryStore, filled: dict[str, int]) -> None:
    # Every mode record's first question is "Extract all the text in this image": not a match.
    assert ids(store, "extract") == set()


def test_follow_up_questions_and_edits_are_searched(store: HistoryStore, filled: dict[str, int]) -> None:
    store.add_turn(filled["formula"], Turn("which physicist wrote this", "Einstein"))
    assert ids(store, "physicist") == {filled["formula"]}
    assert ids(store, "einst") == {filled["formula"]}
    store.set_edited(filled["invoice"], "Rechnung corrected")
    assert ids(store, "rechn") == {filled["invoice"]}
    assert ids(store, "invoice") == {filled["invoice"]}  # the model's answer stays searchable


def test_results_are_newest_first_with_the_match_marked(store: HistoryStore) -> None:
    older = store.add(record("alpha beta gamma"))
    newer = store.add(record("the gamma ray burst"))
    results = store.search("gam")
    assert [r.id for r in results] == [newer, older]
    assert f"{MATCH_START}gamma{MATCH_END}" in results[0].snippet
    assert snippet_plain(results[0].snippet) == "the gamma ray burst"
    assert store.count("gam") == 2


def test_snippet_html_escapes_and_bolds() -> None:
    snippet = f"a <script> & {MATCH_START}x<y{MATCH_END}"
    assert snippet_html(snippet) == "a &lt;script&gt; &amp; <b>x&lt;y</b>"


@pytest.mark.parametrize(
    "hostile",
    ['"', '"unclosed', "*", "-", "-invoice", "(", "invoice)", "NOT", "AND OR", "NEAR(a b)", "col:invoice",
     "inv*", "^inv", "'; DROP TABLE records; --", "{name} : x", "\\", "\x00", "🙂", "   "],
)  # fmt: skip
def test_fts_syntax_in_input_never_breaks_the_search(
    store: HistoryStore, filled: dict[str, int], hostile: str
) -> None:
    results = store.search(hostile)  # no exception
    assert store.count(hostile) == (len(results) if fts_query(hostile) else store.count())
    assert store.count() == 5


def test_hostile_input_still_finds_the_words_in_it(store: HistoryStore, filled: dict[str, int]) -> None:
    assert ids(store, '"invoice') == {filled["invoice"]}
    assert ids(store, "(invoice)") == {filled["invoice"]}
    assert ids(store, "-invoice") == {filled["invoice"]}  # not a NOT
    assert ids(store, "inv*") == {filled["invoice"]}


def test_query_building() -> None:
    assert fts_query('inv "2024" -x (y)') == '"inv"* "2024"* "x"* "y"*'
    assert fts_query(" *-() ") == ""
