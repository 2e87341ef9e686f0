"""A history that cannot be written is still listed, and nothing of it is moved or changed:
on read-only media, and while another program holds the database locked. Recording onto
read-only media says so.

Read-only media are a read-only bind mount in a private user and mount namespace
(`unshare -rm`): a file mode would not stop root, which CI runs as.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_ocr.history import NewPage, NewRecord, Source, Turn, open_folder
from tests.cli_in_process import run_main
from tests.conftest import noise_image

ANSWERS = ["first answer", "second answer", "third answer"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "DESKTOP_OCR_DATA_DIR": str(tmp_path / "data"),
        "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini"),
    }


def fill(folder: Path) -> list[int]:
    store = open_folder(folder)
    ids = [
        store.add(
            NewRecord(Source.SNIP, [NewPage(noise_image(40, 30), [Turn("Extract", answer)])], mode="text")
        )
        for answer in ANSWERS
    ]
    store.close()
    return ids


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_only(folder: Path, *command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `command` with `folder` mounted read-only over itself, visible to that command only."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) for a read-only mount")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not allowed here: {probe.stderr.decode().strip()}")
    script = 'mount --bind -o ro "$0" "$0" && touch "$0/probe" 2>/dev/null && exit 99; exec "$@"'
    ran = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(folder), *command],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd(), **env},
        timeout=600,
    )
    assert ran.returncode != 99, "the mount was writable"
    return ran


def test_a_history_on_read_only_media_is_listed_and_shown(env: dict[str, str]) -> None:
    folder = Path(env["DESKTOP_OCR_DATA_DIR"])
    ids = fill(folder)
    before = snapshot(folder)
    listed = read_only(folder, sys.executable, "-m", "desktop_ocr", "--history", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[3] for line in listed.stdout.splitlines()] == ANSWERS[::-1]
    assert "desktop-ocr:" not in listed.stderr
    shown = read_only(folder, sys.executable, "-m", "desktop_ocr", "--history-show", str(ids[1]), env=env)
    assert (shown.returncode, shown.stdout) == (0, "second answer"), shown.stderr
    assert snapshot(folder) == before


def test_recording_onto_read_only_media_says_it_is_read_only(
    env: dict[str, str], tiny_model: Path, tmp_path: Path
) -> None:
    folder = Path(env["DESKTOP_OCR_DATA_DIR"])
    fill(folder)
    image = tmp_path / "scan.png"
    noise_image(200, 90, seed=1).save(image)
    flags = ["--model", str(tiny_model), "--device", "cpu", "--dtype", "float32", "--max-new-tokens", "4"]
    ran = read_only(
        folder, sys.executable, "-m", "desktop_ocr", "--cli", "--record", *flags, str(image), env=env
    )
    assert ran.returncode == 0, ran.stderr
    said = [line for line in ran.stderr.splitlines() if line.startswith("desktop-ocr:")]
    assert said == [
        f"desktop-ocr: History is not kept this session: {folder} is read-only (Read-only file system)"
    ]


def test_a_history_locked_by_another_program_is_listed_and_left_alone(env: dict[str, str]) -> None:
    folder = Path(env["DESKTOP_OCR_DATA_DIR"])
    ids = fill(folder)
    holder = sqlite3.connect(folder / "history.sqlite3", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        listed = run_main(["--history"], env=env)
        shown = run_main(["--history-show", str(ids[0])], env=env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[3] for line in listed.stdout.decode().splitlines()] == ANSWERS[::-1]
    assert (shown.returncode, shown.stdout) == (0, b"first answer")
    assert not (folder / "set-aside").exists()
    store = open_folder(folder)
    assert store.warning == "" and store.count() == 3
    store.close()


def test_a_damaged_log_is_set_aside_and_said_once(env: dict[str, str], tmp_path: Path) -> None:
    from tests.history.test_damage import WAL, committed_in_the_log, flip

    folder = committed_in_the_log(Path(env["DESKTOP_OCR_DATA_DIR"]), tmp_path, ANSWERS)
    flip(folder / WAL, 32 + 24 + 100)
    first = run_main(["--history"], env=env)
    said = first.stderr.decode().splitlines()
    assert first.returncode == 0 and len(said) == 1
    assert "write-ahead log was damaged" in said[0] and "moved to" in said[0]
    again = run_main(["--history"], env=env)
    assert (again.returncode, again.stderr) == (0, b"")
