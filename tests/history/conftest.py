"""A fresh history folder per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from desktop_ocr.history import HistoryStore, NewPage, NewRecord, Source, Turn, open_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(folder: Path) -> Iterator[HistoryStore]:
    store = open_folder(folder)
    assert store.warning == ""
    yield store
    store.close()


def page_image(width: int = 320, height: int = 200, colour: str = "white") -> Image.Image:
    return Image.new("RGB", (width, height), colour)


def record(answer: str, name: str = "", source: Source = Source.SNIP, mode: str = "text") -> NewRecord:
    question = "Extract all the text in this image" if mode else "What is the total?"
    return NewRecord(
        source,
        [NewPage(page_image(), [Turn(question, answer)])],
        name=name,
        mode=mode,
        prompt="" if mode else question,
    )
