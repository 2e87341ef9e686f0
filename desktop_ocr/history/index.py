"""Keeps the FTS5 `search` row of a record in step with its pages and turns."""

from __future__ import annotations

import json
import sqlite3


def reindex(db: sqlite3.Connection, record_id: int) -> None:
    """Rewrite the record's search row (call inside the transaction that changed it).

    The first question of a record with a mode is the mode's fixed instruction: it is left out,
    or every record would match "text" or "image". Custom prompts and follow-ups are indexed.
    """
    db.execute("DELETE FROM search WHERE rowid = ?", (record_id,))
    row = db.execute("SELECT name, mode FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        return
    name, mode = row
    questions, answers, edited = [], [], []
    for position, question, answer in db.execute(
        "SELECT position, question, answer FROM turns WHERE record_id = ? ORDER BY page, position",
        (record_id,),
    ):
        if position > 0 or not mode:
            questions.append(question)
        answers.append(answer)
    for (text,) in db.execute("SELECT edited FROM records WHERE id = ? AND edited IS NOT NULL", (record_id,)):
        edited.append(text)  # a document's whole edited text
    for (text,) in db.execute(
        "SELECT edited FROM pages WHERE record_id = ? AND edited IS NOT NULL ORDER BY number", (record_id,)
    ):
        edited.append(text)
    codes = []
    for (stored,) in db.execute("SELECT codes FROM pages WHERE record_id = ? ORDER BY number", (record_id,)):
        codes.extend(_code_texts(stored))
    db.execute(
        "INSERT INTO search(rowid, name, questions, answers, edited, codes) VALUES (?, ?, ?, ?, ?, ?)",
        (
            record_id,
            name,
            "\n".join(questions),
            "\n\n".join(answers),
            "\n\n".join(edited),
            "\n".join(codes),
        ),
    )


def _code_texts(stored: str) -> list[str]:
    """The texts of a page's stored codes (a damaged entry has none)."""
    try:
        return [str(code["text"]) for code in json.loads(stored)]
    except (ValueError, TypeError, KeyError):
        return []
