"""`auto`'s choice on a CPU: converted → OpenVINO; a big model converts when the converter and
the memory are there; otherwise transformers, with one line that says why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_ocr.engine import EngineOptions, backends
from desktop_ocr.engine import openvino_convert as convert_module
from desktop_ocr.engine.backends import AUTO_CONVERT_MIN_BYTES, auto_choice, memory_available

pytest.importorskip("openvino_genai", reason='the "openvino" extra is not installed')

GB = 1_000_000_000


def model_folder(tmp_path: Path, size: int) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    with open(folder / "model.safetensors", "wb") as f:
        f.truncate(size)  # sparse: the size is all auto_choice reads
    return folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(convert_module, "cache_root", lambda: tmp_path / "cache")
    monkeypatch.delenv(convert_module.CONVERTER_ENV_VAR, raising=False)
    return tmp_path / "cache"


def with_converter(cache: Path) -> None:
    """A converter venv where the app looks for one (under the test's cache folder)."""
    venv = convert_module.converter_dir()
    assert venv.is_relative_to(cache.parent)
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / convert_module.CONVERTER_COMPLETE).write_text("pins\n")


OPTIONS = EngineOptions(model="unused", device="cpu")


def test_a_converted_model_runs_on_openvino(tmp_path, cache):
    folder = model_folder(tmp_path, 10)
    target = convert_module.converted_folder(folder, OPTIONS.weights)
    target.mkdir(parents=True)
    (target / convert_module.COMPLETE_MARK).touch()
    assert auto_choice(folder, OPTIONS, memory_available=0) == backends.AutoChoice(True)


def test_a_small_model_stays_on_transformers_silently(tmp_path, cache):
    with_converter(cache)
    folder = model_folder(tmp_path, AUTO_CONVERT_MIN_BYTES - 1)
    assert auto_choice(folder, OPTIONS, memory_available=100 * GB) == backends.AutoChoice(False)


def test_a_big_model_converts_when_converter_and_memory_are_there(tmp_path, cache):
    with_converter(cache)
    folder = model_folder(tmp_path, 4 * GB)
    choice = auto_choice(folder, OPTIONS, memory_available=16 * GB)
    assert choice.openvino and "converting to OpenVINO int8 once" in choice.reason


def test_too_little_memory_says_how_much_is_needed(tmp_path, cache):
    with_converter(cache)
    folder = model_folder(tmp_path, 4 * GB)
    choice = auto_choice(folder, OPTIONS, memory_available=8 * GB)
    assert not choice.openvino
    assert choice.reason == (
        "converting to OpenVINO needs ~14 GB of free memory (8.0 GB free): using transformers"
    )


def test_no_converter_says_how_to_get_the_fast_path(tmp_path, cache):
    folder = model_folder(tmp_path, 4 * GB)
    choice = auto_choice(folder, OPTIONS, memory_available=100 * GB)
    assert not choice.openvino and "choose the OpenVINO backend once" in choice.reason


MEMINFO = """MemTotal:       16000000 kB
MemFree:         1000000 kB
MemAvailable:    9000000 kB
Cached:          7000000 kB
"""


def test_memory_available_is_linux_memavailable_not_memfree(tmp_path, monkeypatch):
    """Page cache can be given back: MemAvailable, not MemFree, is what a conversion can use."""
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(MEMINFO)
    monkeypatch.setattr(backends, "Path", lambda _path: meminfo)
    assert memory_available() == 9_000_000 * 1024


def test_without_memavailable_the_physical_total_is_used(tmp_path, monkeypatch):
    """Kernels before 3.14, or no /proc at all (another system): the total is the best guess."""
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16000000 kB\nMemFree:         1000000 kB\n")
    monkeypatch.setattr(backends, "Path", lambda _path: meminfo)
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert memory_available() == total
    monkeypatch.setattr(backends, "Path", lambda _path: tmp_path / "no-such-file")
    assert memory_available() == total


def test_memory_available_reads_this_machine():
    free = memory_available()
    assert free is not None and 0 < free <= os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
