"""PySide6 6.12.0 on CPython < 3.12 aborts (none_dealloc) after a few thousand void Qt calls."""

from __future__ import annotations

import subprocess
import sys

REPRO = """
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
for _ in range(20000):
    widget.resize(10, 10)
    app.processEvents()
print("survived")
"""


def test_installed_pyside6_survives_many_void_calls():
    result = subprocess.run([sys.executable, "-c", REPRO], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "survived"


def test_the_pin_excludes_the_broken_release_on_old_pythons():
    from importlib.metadata import requires, version

    if sys.version_info < (3, 12):
        assert version("PySide6-Essentials") != "6.12.0"
    pins = [r for r in requires("desktop-ocr") or [] if r.lower().startswith("pyside6")]
    assert any("!=6.12.0" in pin and "3.12" in pin for pin in pins), pins
