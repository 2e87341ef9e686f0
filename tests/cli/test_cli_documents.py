"""`desktop-ocr --cli` with PDFs, multi-page TIFFs and folders, on the tiny model."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_ocr._dev.pdfs import encrypted_pdf, make_pdf, make_tiff, text_page
from desktop_ocr.cli import EXIT_SOME_FAILED, CliRun, build_parser, engine_options
from desktop_ocr.documents import PdfDocument, budget_size
from desktop_ocr.engine import Conversation, PixelBudget, load_image, prompt_for
from tests.cli_in_process import run_main
from tests.conftest import noise_image

# A small budget and short answers keep the tiny model fast; the logic is the same.
SMALL = ["--min-pixels", "3136", "--max-pixels", "50176", "--max-new-tokens", "6"]
BUDGET = PixelBudget(3136, 50176)


def run_in_process(backend, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["--cli", *argv, *SMALL])
    out, err = io.StringIO(), io.StringIO()
    run = CliRun(args, engine_options(args), stdout=out, stderr=err)
    run.backend = backend
    return run.run(), out.getvalue(), err.getvalue()


def answer_for(backend, image_or_path, mode: str = "markdown") -> str:
    conversation = Conversation.start(load_image(image_or_path), prompt_for(mode))
    return backend.generate(conversation, budget=BUDGET, max_new_tokens=6).text


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    return make_pdf(folder / "paper.pdf", [text_page(f"page {n}", seed=n) for n in (1, 2, 3)])


def test_pdf_pages_come_under_headers_and_equal_their_saved_pngs(backend, pdf, tmp_path):
    pages = tmp_path / "pages"
    code, out, err = run_in_process(backend, str(pdf), "--pages", "1,3", "--save-pages", str(pages))
    assert code == 0, err
    saved = sorted(path.name for path in pages.iterdir())
    assert saved == ["paper-p1.png", "paper-p3.png"]
    first, third = (answer_for(backend, pages / name) for name in saved)
    assert out == f"==> {pdf} page 1 <==\n{first}\n\n==> {pdf} page 3 <==\n{third}\n"
    # The saved page is the rendering, already at the budget's size.
    assert load_image(pages / "paper-p1.png").size == budget_size((595, 842), BUDGET)


def test_mode_or_prompt_overrides_the_markdown_default(backend, pdf, tmp_path):
    pages = tmp_path / "pages"
    code, out, _err = run_in_process(
        backend, str(pdf), "--pages", "2", "--mode", "latex", "--save-pages", str(pages)
    )
    assert code == 0
    assert out == f"==> {pdf} page 2 <==\n{answer_for(backend, pages / 'paper-p2.png', 'latex')}\n"


@pytest.mark.parametrize("fmt", ["md", "jsonl", "html", "txt"])
def test_output_file_gets_the_joined_document(backend, pdf, tmp_path, fmt):
    target = tmp_path / f"paper.{fmt}"
    code, out, err = run_in_process(backend, str(pdf), "-o", str(target), "--save-pages", str(tmp_path))
    assert code == 0, err
    assert out == ""  # with -o, stdout stays quiet
    assert "3/3 pages" in err
    answers = [answer_for(backend, tmp_path / f"paper-p{n}.png") for n in (1, 2, 3)]
    text = target.read_text(encoding="utf-8")
    if fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines()]
        assert [(r["file"], r["page"], r["text"]) for r in records] == [
            (str(pdf), n, answers[n - 1]) for n in (1, 2, 3)
        ]
        assert all(r["stats"]["new_tokens"] >= 1 for r in records)
    elif fmt == "md":
        assert text.index("**Page 1**") < text.index("**Page 2**") < text.index("**Page 3**")
        assert text.count("\n---\n") == 2
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "Page 3" in text
    else:
        assert "===== Page 3 =====" in text


def test_bad_documents_are_one_line_and_the_rest_still_run(backend, pdf, tmp_path):
    locked = encrypted_pdf(tmp_path / "locked.pdf", "pw")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot a pdf at all")
    image = tmp_path / "shot.png"
    noise_image(200, 80).save(image)
    code, out, err = run_in_process(backend, str(locked), str(broken), str(image), str(pdf), "--pages", "2")
    assert code == EXIT_SOME_FAILED
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "locked.pdf: cannot open the PDF, it is encrypted; give its password (--password)" in lines[0]
    assert "broken.pdf: not a readable PDF" in lines[1]
    # The image keeps its text-mode default; the PDF page runs in Markdown mode.
    assert out.startswith(f"==> {image} <==\n{answer_for(backend, image, 'text')}\n\n==> {pdf} page 2 <==\n")


def test_password_opens_an_encrypted_pdf(backend, tmp_path):
    locked = encrypted_pdf(tmp_path / "locked.pdf", "pw")
    code, out, err = run_in_process(backend, str(locked), "--password", "pw")
    assert code == 0, err
    assert out.startswith(f"==> {locked} page 1 <==\n")


def test_range_beyond_the_page_count_is_said_clearly(backend, pdf):
    code, out, err = run_in_process(backend, str(pdf), "--pages", "2-5")
    assert code == EXIT_SOME_FAILED and out == ""
    assert err.strip() == f"desktop-ocr: {pdf}: page 5 is beyond the end: the document has 3 pages"


def test_multi_page_tiff_runs_page_by_page(backend, tmp_path):
    frames = [text_page(f"frame {n}", (300, 150), seed=n) for n in range(2)]
    tiff = make_tiff(tmp_path / "scan.tif", frames)
    code, out, _err = run_in_process(backend, str(tiff))
    assert code == 0
    expected = [answer_for(backend, frame) for frame in frames]
    assert out == f"==> {tiff} page 1 <==\n{expected[0]}\n\n==> {tiff} page 2 <==\n{expected[1]}\n"


@pytest.fixture
def folder(tmp_path, pdf) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "b.pdf").write_bytes(pdf.read_bytes())
    noise_image(200, 80, seed=3).save(root / "a.png")
    noise_image(200, 80, seed=4).save(root / "sub" / "c.png")
    (root / "notes.txt").write_text("not an input")
    return root


def test_folder_batch_writes_one_output_per_input_then_skips_them(backend, folder, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = run_in_process(backend, str(folder), "-o", f"{out_dir}/", "--format", "jsonl")
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.jsonl", "b.jsonl"]  # sorted, not recursive
    assert "4/4 pages" in err and out == ""
    records = [json.loads(line) for line in (out_dir / "b.jsonl").read_text().splitlines()]
    assert [r["page"] for r in records] == [1, 2, 3]
    assert json.loads((out_dir / "a.jsonl").read_text())["page"] is None

    (out_dir / "a.jsonl").write_text("kept\n")
    code, _out, err = run_in_process(
        backend, str(folder), "-o", f"{out_dir}/", "--format", "jsonl", "--recursive"
    )
    assert code == 0
    assert "skipped 2 inputs whose output exists" in err
    assert (out_dir / "a.jsonl").read_text() == "kept\n"
    assert (out_dir / "sub" / "c.jsonl").exists()

    code, _out, err = run_in_process(
        backend, str(folder), "-o", str(out_dir), "--format", "jsonl", "--overwrite"
    )
    assert code == 0 and "skipped" not in err
    assert json.loads((out_dir / "a.jsonl").read_text())["file"] == str(folder / "a.png")


def test_a_failed_page_leaves_an_incomplete_output_that_the_next_run_retries(
    backend, folder, tmp_path, monkeypatch
):
    from desktop_ocr.documents import DocumentError

    original = PdfDocument.render

    def flaky(self, number, budget, dpi=None):
        if number == 2:
            raise DocumentError(f"{self.path}: page 2: cannot render (test)")
        return original(self, number, budget, dpi)

    monkeypatch.setattr(PdfDocument, "render", flaky)
    out_dir = tmp_path / "out"
    code, _out, err = run_in_process(backend, str(folder), "-o", f"{out_dir}/")
    assert code == EXIT_SOME_FAILED
    assert "page 2: cannot render (test)" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.md", "b.incomplete.md"]
    partial = (out_dir / "b.incomplete.md").read_text()
    assert "**Page 1**" in partial and "**Page 3**" in partial and "**Page 2**" not in partial

    monkeypatch.setattr(PdfDocument, "render", original)
    code, _out, err = run_in_process(backend, str(folder), "-o", f"{out_dir}/")
    assert code == 0 and "skipped 1 input " in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.md", "b.md"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--pages", "3-1"], "range goes backwards"),
        (["--pages", "x"], "not a page range"),
        (["--format", "md"], "give -o FILE or -o DIR/"),
        (["-o", "out.docx"], "cannot tell the format"),
        (["--dpi", "0"], "must be at least 1"),
    ],
)
def test_bad_document_flags_are_one_line(pdf, args, fragment, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "--cli", str(pdf), *args, "--model", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=os.environ,
    )
    assert result.returncode == 2, result.stderr
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_the_window_refuses_file_flags_in_one_line():
    """Without --cli the window opens, and it saves with Save as…: -o is refused before it starts."""
    ran = run_main(["--output", "out.md", "x.pdf"])
    errors = ran.stderr.decode()
    assert ran.returncode == 2
    assert "--output is for --cli" in errors and "Traceback" not in errors


def test_a_pdf_through_the_real_command(tiny_model, pdf, tmp_path):
    target = tmp_path / "paper.html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_ocr",
            "--cli",
            str(pdf),
            "-o",
            str(target),
            "--model",
            str(tiny_model),
            "--dtype",
            "float32",
            *SMALL,
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text().count("Page ") == 3
