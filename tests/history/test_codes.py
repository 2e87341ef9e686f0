"""Codes found beside an answer are kept with its record, found by search, and survive migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_ocr.codes import Code
from desktop_ocr.history import HistoryStore, NewPage, NewRecord, Source, Turn, open_folder
from desktop_ocr.history.schema import VERSION, migrate
from tests.history.conftest import page_image

QR = Code("QR Code", "https://menu.example.org/table7", ((10, 12), (110, 12), (110, 112), (10, 112)))
EAN = Code("EAN-13", "4006381333931", ((200, 40), (390, 40), (390, 140), (200, 140)))


def _with_codes(*pages: tuple[str, tuple[Code, ...]]) -> NewRecord:
    return NewRecord(
        Source.SNIP,
        [NewPage(page_image(), [Turn("q", answer)], codes=codes) for answer, codes in pages],
        mode="text",
    )


def test_codes_are_kept_with_their_page(store: HistoryStore) -> None:
    record_id = store.add(_with_codes(("Menu", (QR,)), ("Back", (EAN,)), ("Blank", ())))
    record = store.get(record_id)
    assert record is not None
    assert [page.codes for page in record.pages] == [(QR,), (EAN,), ()]
    assert record.codes == (QR, EAN)
    assert record.text == "Menu\n\nBack\n\nBlank"  # the answer is the model's, codes beside it


def test_a_code_text_is_found_by_search(store: HistoryStore) -> None:
    with_code = store.add(_with_codes(("Today's menu", (QR, EAN))))
    store.add(_with_codes(("Unrelated answer", ())))
    assert [s.id for s in store.search("menu.example")] == [with_code]
    assert [s.id for s in store.search("table7")] == [with_code]
    assert [s.id for s in store.search("4006381333931")] == [with_code]
    assert store.count("4006381") == 1


def test_deleting_a_record_takes_its_codes_out_of_the_search(store: HistoryStore) -> None:
    record_id = store.add(_with_codes(("x", (EAN,))))
    store.delete(record_id)
    assert store.search("4006381333931") == []


def test_a_version_3_database_gets_codes_and_keeps_its_records_searchable(folder: Path) -> None:
    folder.mkdir()
    db = sqlite3.connect(folder / "history.sqlite3", isolation_level=None)
    migrate(db, target=3)
    db.execute(
        "INSERT INTO records (created, updated, source, name, mode, state, preview)"
        " VALUES (1700000000, 1700000000, 'snip', '', 'text', 'done', 'Parking receipt')"
    )
    db.execute("INSERT INTO pages (record_id, number, width, height) VALUES (1, 0, 10, 10)")
    db.execute(
        "INSERT INTO turns (record_id, page, position, question, answer)"
        " VALUES (1, 0, 0, 'q', 'Parking receipt 42')"
    )
    with db:  # v3's own index, as v3 kept it
        db.execute("INSERT INTO search(rowid, name, questions, answers, edited) VALUES (1, '', '', 'x', '')")
    db.close()

    store = open_folder(folder)
    assert store.warning == ""
    assert sqlite3.connect(folder / "history.sqlite3").execute("PRAGMA user_version").fetchone()[0] == VERSION
    old = store.get(1)
    assert old is not None and old.codes == () and old.text == "Parking receipt 42"
    assert [s.id for s in store.search("parking")] == [1]  # rebuilt from the records, not v3's row
    new = store.add(_with_codes(("Ticket", (QR,))))
    assert [s.id for s in store.search("table7")] == [new]
    store.close()


def test_a_damaged_codes_entry_reads_as_no_code(store: HistoryStore, folder: Path) -> None:
    record_id = store.add(_with_codes(("Answer", (QR,))))
    db = sqlite3.connect(folder / "history.sqlite3")
    with db:
        db.execute("UPDATE pages SET codes = '{not json' WHERE record_id = ?", (record_id,))
    db.close()
    record = store.get(record_id)
    assert record is not None and record.codes == () and record.text == "Answer"


def test_codes_read_after_the_answer_was_written_join_the_record(store: HistoryStore) -> None:
    record_id = store.add(_with_codes(("The answer came first", ())))
    store.set_codes(record_id, [EAN])
    record = store.get(record_id)
    assert record is not None and record.codes == (EAN,)
    assert [s.id for s in store.search("4006381333931")] == [record_id]


def test_a_codes_only_page_is_listed_by_its_codes(store: HistoryStore) -> None:
    record_id = store.add(NewRecord(Source.SNIP, [NewPage(page_image(), [], codes=(QR, EAN))], mode="codes"))
    (summary,) = store.list()
    assert summary.id == record_id and summary.first_line == QR.text
