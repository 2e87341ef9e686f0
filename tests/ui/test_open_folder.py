"""Open image folder on a desktop without a file manager says so in one line (it was silent)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QProcess

from desktop_ocr.ui.history.open_folder import open_folder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xdg-open")


def _xdg_open(folder: Path, status: int) -> Path:
    """An xdg-open that answers as the real one does: 3 when no program opens folders."""
    tool = folder / "xdg-open"
    tool.write_text(f"#!/bin/sh\nexit {status}\n")
    tool.chmod(0o755)
    return folder


@pytest.mark.parametrize(("status", "says"), [(3, True), (0, False)])
def test_a_folder_no_program_can_show_is_said(qtbot, tmp_path, monkeypatch, status, says):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(_xdg_open(bin_dir, status)))
    said: list[str] = []
    parent = QObject()
    open_folder(tmp_path, said.append, parent)
    qtbot.waitUntil(lambda: parent.findChild(QProcess) is None, timeout=10_000)  # xdg-open has ended
    assert said == ([f"No file manager could open the image folder: {tmp_path}"] if says else [])
