"""Adding, updating, reading back, paging and deleting records."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from desktop_ocr.history import (
    HistoryError,
    HistoryStore,
    NewPage,
    NewRecord,
    PageImage,
    Source,
    State,
    Turn,
    open_folder,
)

from .conftest import page_image, record


def test_a_record_round_trips_with_its_image_and_thumbnail(store: HistoryStore) -> None:
    image = Image.effect_noise((640, 480), 64).convert("RGB")
    record_id = store.add(
        NewRecord(
            Source.FILE,
            [NewPage(image, [Turn("Extract", "Total: 42\nThanks", {"new_tokens": 7}, [[0.9, 0.1]])])],
            name="/scans/bill.png",
            mode="text",
            model="m",
            backend="local",
            device="cpu",
            dtype="float32",
        )
    )
    got = store.get(record_id)
    assert got is not None
    assert (got.source, got.name, got.mode, got.model, got.backend, got.device, got.dtype) == (
        Source.FILE, "/scans/bill.png", "text", "m", "local", "cpu", "float32",
    )  # fmt: skip
    assert got.state is State.DONE
    assert got.turns == (Turn("Extract", "Total: 42\nThanks", {"new_tokens": 7}, [[0.9, 0.1]]),)
    assert got.text == "Total: 42\nThanks"
    assert got.stats == {"new_tokens": 7}
    png = store.image(record_id)
    assert png is not None and png.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).tobytes() == image.tobytes()  # lossless
    thumbnail = Image.open(io.BytesIO(store.thumbnail(record_id) or b""))
    assert thumbnail.size == (128, 96)
    path = store.image_path(record_id)
    assert path is not None and path.parent == store.folder / "images" and path.read_bytes() == png


def test_follow_ups_edits_and_state_update_the_record(store: HistoryStore) -> None:
    record_id = store.add(record("first answer"))
    store.add_turn(record_id, Turn("and the date?", "2024-03-01"))
    assert store.get(record_id).text == "2024-03-01"  # type: ignore[union-attr]
    store.set_edited(record_id, "my own text\nline 2")
    got = store.get(record_id)
    assert got is not None and got.text == "my own text\nline 2"
    assert [t.answer for t in got.turns] == ["first answer", "2024-03-01"]
    assert store.list()[0].first_line == "my own text"
    store.add_turn(record_id, Turn("more?", "partial"), state=State.STOPPED)
    assert store.get(record_id).state is State.STOPPED  # type: ignore[union-attr]
    store.set_state(record_id, State.FAILED, "out of memory")
    failed = store.get(record_id)
    assert failed is not None and (failed.state, failed.error) == (State.FAILED, "out of memory")
    store.set_edited(record_id, None)
    assert store.get(record_id).text == "partial"  # type: ignore[union-attr]
    assert failed.updated >= failed.created


def test_updating_a_missing_record_says_so(store: HistoryStore) -> None:
    with pytest.raises(HistoryError, match="no record 99"):
        store.add_turn(99, Turn("q", "a"))
    with pytest.raises(HistoryError):
        store.set_edited(99, "x")


def test_a_document_has_pages_each_with_image_and_text(store: HistoryStore) -> None:
    pages = [NewPage(page_image(100 + n, 80), [Turn("Markdown", f"page {n} text")]) for n in range(3)]
    record_id = store.add(NewRecord(Source.FILE, pages, name="/docs/report.pdf", mode="markdown"))
    store.set_edited(record_id, "page one fixed", page=1)
    got = store.get(record_id)
    assert got is not None and [p.width for p in got.pages] == [100, 101, 102]
    assert got.text == "page 0 text\n\npage one fixed\n\npage 2 text"
    assert store.list()[0].pages == 3
    assert Image.open(io.BytesIO(store.image(record_id, page=2) or b"")).size == (102, 80)
    assert store.image(record_id, page=3) is None


def test_pre_encoded_page_image_is_kept_as_given(store: HistoryStore) -> None:
    encoded = PageImage.encode(page_image(50, 400))
    record_id = store.add(NewRecord(Source.PASTE, [NewPage(encoded, [Turn("q", "a")])]))
    assert store.image(record_id) == encoded.png
    assert Image.open(io.BytesIO(store.thumbnail(record_id) or b"")).size == (12, 96)


def test_list_is_newest_first_and_pages_lazily(store: HistoryStore) -> None:
    with store.batch():
        ids = [store.add(record(f"answer {n}")) for n in range(25)]
    assert store.count() == 25
    first = store.list(limit=10)
    assert [s.id for s in first] == ids[::-1][:10]
    assert [s.id for s in store.list(limit=10, offset=20)] == ids[4::-1]
    assert len(store.list(limit=None)) == 25
    assert first[0].first_line == "answer 24" and first[0].source is Source.SNIP


def test_delete_removes_the_record_and_its_files(store: HistoryStore) -> None:
    keep = store.add(record("keep me"))
    gone = store.add(record("delete me"))
    path = store.image_path(gone)
    assert path is not None and path.exists()
    assert store.delete(gone) is True
    assert store.delete(gone) is False
    assert store.get(gone) is None and not path.exists()
    assert store.search("delete") == []
    assert [s.id for s in store.list()] == [keep]
    new = store.add(record("after"))
    assert new > gone  # IDs are never reused: an old ID never names another record


def test_clear_removes_everything_and_the_text_from_the_files(store: HistoryStore, folder: Path) -> None:
    for n in range(3):
        store.add(record(f"secretpassword{n}"))
    assert store.clear() == 3
    assert store.count() == 0 and store.list() == []
    assert list((folder / "images").iterdir()) == []
    for name in ("history.sqlite3", "history.sqlite3-wal"):
        path = folder / name
        if path.exists():
            assert b"secretpassword" not in path.read_bytes()


def test_a_failed_add_leaves_no_image_behind(store: HistoryStore, folder: Path) -> None:
    bad = NewRecord(Source.SNIP, [NewPage(page_image(), [Turn("q", "a")])], state="nonsense")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.add(bad)
    assert store.count() == 0 and list((folder / "images").iterdir()) == []


def test_reopening_keeps_everything(folder: Path) -> None:
    store = open_folder(folder)
    record_id = store.add(record("persisted"))
    store.close()
    again = open_folder(folder)
    assert again.get(record_id).text == "persisted"  # type: ignore[union-attr]
    assert again.image(record_id) is not None


def test_a_document_keeps_its_page_numbers_and_its_whole_edit(store: HistoryStore) -> None:
    pages = [
        NewPage(page_image(), [Turn("Convert", f"text of page {number}")], document_page=number)
        for number in (2, 5)
    ]
    record_id = store.add(NewRecord(Source.FILE, pages, name="/papers/a.pdf", mode="markdown"))
    got = store.get(record_id)
    assert got is not None and got.is_document and got.edited is None
    assert [page.document_page for page in got.pages] == [2, 5]
    assert got.text == "**Page 2**\n\ntext of page 2\n\n---\n\n**Page 5**\n\ntext of page 5\n"
    assert store.list()[0].first_line == "text of page 2"

    store.set_document_edited(record_id, "My corrected paper\n")
    got = store.get(record_id)
    assert got is not None and got.text == "My corrected paper\n"
    assert [page.text for page in got.pages] == ["text of page 2", "text of page 5"]  # kept as answered
    assert store.list()[0].first_line == "My corrected paper"
    assert [s.id for s in store.search("corrected")] == [record_id]
    store.set_document_edited(record_id, None)
    got = store.get(record_id)
    assert got is not None and got.text.startswith("**Page 2**")
    assert store.search("corrected") == []


def test_an_image_record_is_not_a_document(store: HistoryStore) -> None:
    got = store.get(store.add(record("just text")))
    assert got is not None and not got.is_document and got.text == "just text"


def test_a_documents_list_line_is_its_first_words_not_its_page_marker(store: HistoryStore) -> None:
    from desktop_ocr.history import first_line

    assert first_line("**Page 12**\n\n  Results  \nmore") == "Results"
    assert first_line("**Page one**") == "**Page one**"  # only the markers join_markdown writes
    page = NewPage(page_image(), [Turn("Convert", "body")], document_page=1)
    record_id = store.add(NewRecord(Source.FILE, [page], name="/a.pdf"))
    store.set_document_edited(record_id, "**Page 1**\n\nMy corrected paper\n")
    assert store.list()[0].first_line == "My corrected paper"


def test_the_list_line_is_the_latest_answers_words_without_formula_delimiters(store: HistoryStore) -> None:
    record_id = store.add(record("\\frac{a}{b}"))
    store.add_turn(record_id, Turn("What is it?", "$$\n\\frac{a}{b}\n$$\nA fraction."))
    assert store.list()[0].first_line == "\\frac{a}{b}"  # not the lone "$$" the reply opens with


def test_a_record_keeps_the_time_it_was_made_not_the_time_it_was_written(store: HistoryStore) -> None:
    from dataclasses import replace
    from datetime import datetime, timezone

    made = 1_700_000_000.0  # the image came in; its answer (and the write) came later
    store.add(replace(record("late answer"), created=made))
    listed = store.list()[0]
    assert listed.created == datetime.fromtimestamp(made, timezone.utc)
    assert store.get(listed.id).updated > listed.created  # type: ignore[union-attr]
