"""Engine and document messages name no front end's controls: each front end words the hint."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import desktop_ocr
from desktop_ocr.cli.output import HINT_WORDS as CLI_WORDS
from desktop_ocr.core.failures import HINT_WORDS as WINDOW_WORDS
from desktop_ocr.engine.errors import Hint

PACKAGE = Path(desktop_ocr.__file__).parent
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def user_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The string parts of every raised error, and of AutoChoice's spoken reasons."""
    found = []
    for node in ast.walk(tree):
        spoken = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "AutoChoice"
        if isinstance(node, ast.Raise) or spoken:
            found += [
                (part.lineno, part.value)
                for part in ast.walk(node)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            ]
    return found


def test_engine_and_document_messages_name_no_flags():
    offending = [
        f"{path.relative_to(PACKAGE)}:{line}: {text}"
        for folder in ("engine", "documents")
        for path in sorted((PACKAGE / folder).glob("*.py"))
        for line, text in user_texts(ast.parse(path.read_text()))
        if FLAG.search(text)
    ]
    assert offending == []


def test_every_hint_is_worded_by_both_front_ends():
    assert set(CLI_WORDS) == set(Hint)
    assert set(WINDOW_WORDS) == set(Hint)
    assert not any(FLAG.search(words) for words in WINDOW_WORDS.values())
