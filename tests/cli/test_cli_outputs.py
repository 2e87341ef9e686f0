"""`-o` and `--save-pages` never lose a file: nothing replaced unasked, unique names, targets
checked before any model work. The answers come from tests/engine/hostile_server.py's `ok`
mode (a real HTTP server, no model): it also counts the requests, so "before any model work"
is checked as "no request was sent"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from desktop_ocr.cli import EXIT_OK, EXIT_USAGE
from tests.cli_in_process import Ran, run_main
from tests.engine.hostile_server import HostileServer


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Inputs are named as a user types them: relative to the current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def picture(path: str | Path, pages: int = 1) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = [Image.new("RGB", (200, 80), (255 - 40 * n,) * 3) for n in range(pages)]
    frames[0].save(path, save_all=pages > 1, append_images=frames[1:])
    return path


def cli(server: HostileServer, *args: str) -> Ran:
    return run_main(["--cli", *args, "--server", server.url("ok"), "--server-model", "x"])


def one_line(ran: Ran) -> str:
    lines = ran.stderr.decode().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    return lines[0]


def test_o_file_is_not_replaced_without_overwrite(hostile, here):
    picture("a.png")
    Path("notes.md").write_text("PRECIOUS NOTES\n")
    ran = cli(hostile, "a.png", "-o", "notes.md")
    assert ran.returncode == EXIT_USAGE
    assert one_line(ran) == "desktop-ocr: notes.md exists (a file); --overwrite replaces it"
    assert Path("notes.md").read_text() == "PRECIOUS NOTES\n"
    assert hostile.bodies == []  # refused before any model work

    ran = cli(hostile, "a.png", "-o", "notes.md", "--overwrite")
    assert ran.returncode == EXIT_OK, ran.stderr
    assert "Hello world" in Path("notes.md").read_text()


def test_same_named_inputs_from_different_folders_keep_their_folders(hostile, here):
    for folder in ("x", "y", "z"):
        picture(f"{folder}/dup.png")
    ran = cli(hostile, "x/dup.png", "y/dup.png", "z/dup.png", "-o", "out/", "--format", "jsonl")
    assert ran.returncode == EXIT_OK, ran.stderr
    written = sorted(str(p.relative_to("out")) for p in Path("out").rglob("*.jsonl"))
    assert written == ["x/dup.jsonl", "y/dup.jsonl", "z/dup.jsonl"]
    for folder in ("x", "y", "z"):
        assert json.loads(Path(f"out/{folder}/dup.jsonl").read_text())["file"] == f"{folder}/dup.png"


def test_same_named_inputs_of_two_folder_arguments_keep_their_folders(hostile, here):
    picture("scans/2024/a.png")
    picture("scans/2025/a.png")
    ran = cli(hostile, "scans/2024", "scans/2025", "-o", "out/")
    assert ran.returncode == EXIT_OK, ran.stderr
    assert sorted(str(p.relative_to("out")) for p in Path("out").rglob("*.md")) == [
        "scans/2024/a.md",
        "scans/2025/a.md",
    ]


def test_one_inputs_incomplete_name_is_never_another_inputs_output(hostile, here):
    picture("in/c.tiff", pages=2)
    picture("in/c.incomplete.png")
    ran = cli(hostile, "in", "-o", "out/", "--format", "jsonl")
    assert ran.returncode == EXIT_OK, ran.stderr
    outputs = sorted(Path("out").iterdir())
    assert len(outputs) == 2, outputs
    sources = sorted(json.loads(path.read_text().splitlines()[0])["file"] for path in outputs)
    assert sources == ["in/c.incomplete.png", "in/c.tiff"]


def test_save_pages_does_not_replace_a_file(hostile, here):
    picture("p/doc.tiff", pages=2)
    Path("pages").mkdir()
    Path("pages/doc-p1.png").write_text("MY FILE")
    ran = cli(hostile, "p/doc.tiff", "--save-pages", "pages")
    assert ran.returncode == EXIT_USAGE
    assert one_line(ran) == "desktop-ocr: pages/doc-p1.png exists (a file); --overwrite replaces it"
    assert Path("pages/doc-p1.png").read_text() == "MY FILE" and hostile.bodies == []

    ran = cli(hostile, "p/doc.tiff", "--save-pages", "pages", "--overwrite")
    assert ran.returncode == EXIT_OK, ran.stderr
    assert Image.open("pages/doc-p1.png").size == (200, 80)


def test_save_pages_keeps_same_named_documents_apart(hostile, here):
    picture("p/doc.tiff", pages=2)
    picture("q/doc.tiff", pages=2)
    ran = cli(hostile, "p/doc.tiff", "q/doc.tiff", "--save-pages", "pages")
    assert ran.returncode == EXIT_OK, ran.stderr
    saved = sorted(str(p.relative_to("pages")) for p in Path("pages").rglob("*.png"))
    assert saved == ["p/doc-p1.png", "p/doc-p2.png", "q/doc-p1.png", "q/doc-p2.png"]


def test_an_output_name_too_long_fails_before_any_model_work(hostile, here):
    picture("long/" + "x" * 251 + ".png")
    picture("long/zz-after.png")
    ran = cli(hostile, "long", "-o", "out3/")
    assert ran.returncode == EXIT_USAGE
    assert "the file name is too long" in one_line(ran)
    assert hostile.bodies == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("/proc/nope/out.md", "cannot write into /proc/nope"),
        ("is-a-file/", "cannot write into is-a-file: a file of that name is in the way"),
        ("is-a-file/out.md", "cannot write into is-a-file: a file of that name is in the way"),
        ("y" * 300 + ".md", "the file name is too long"),
    ],
)
def test_an_output_that_cannot_be_written_fails_before_any_model_work(hostile, here, target, words):
    picture("a.png")
    Path("is-a-file").write_text("x")
    ran = cli(hostile, "a.png", "-o", target)
    assert ran.returncode == EXIT_USAGE
    assert words in one_line(ran)
    assert hostile.bodies == []
