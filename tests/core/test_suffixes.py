"""The window and the CLI take the same files: one list of suffixes (documents/suffixes.py)."""

from __future__ import annotations

from pathlib import Path

from desktop_ocr.cli.inputs import folder_files
from desktop_ocr.core.incoming import path_from_text
from desktop_ocr.documents.suffixes import INPUT_SUFFIXES


def test_a_pasted_path_and_a_folder_take_the_same_suffixes(tmp_path: Path) -> None:
    for suffix in (*INPUT_SUFFIXES, ".txt", ".docx"):
        (tmp_path / f"scan{suffix.upper()}").write_bytes(b"")
    from_folder = {path.suffix.lower() for path in folder_files(tmp_path, recursive=False)}
    pasted = {path.suffix.lower() for path in tmp_path.iterdir() if path_from_text(f'"{path}"')}
    assert from_folder == pasted == set(INPUT_SUFFIXES)
    assert ".jp2" in pasted  # the window used to refuse what a folder gave the CLI
