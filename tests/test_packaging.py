"""What the wheel ships: the window's resources, and none of the test and benchmark tooling."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.subprocess
def test_the_wheel_holds_the_resources_and_no_dev_tooling(tmp_path: Path) -> None:
    # From a clean copy of the sources: a checkout's build/ folder (a bundle, an earlier wheel)
    # would otherwise put whatever it holds into the wheel.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "desktop_ocr", source / "desktop_ocr", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("desktop_ocr-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "desktop_ocr/resources/desktop-ocr.svg" in names
    assert "desktop_ocr/resources/io.github.desktop_ocr.DesktopOCR.desktop" in names
    assert not [name for name in names if name.startswith("desktop_ocr/_dev")]
    assert "desktop_ocr/ui/application.py" in names  # the packages themselves are all there
