"""`desktop-ocr --history [QUERY]`, `--history-show ID` and `--cli --record`, through `main`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from desktop_ocr.history import NewPage, NewRecord, Source, State, Turn, open_folder
from tests.cli_in_process import run_main
from tests.conftest import noise_image


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "DESKTOP_OCR_DATA_DIR": str(tmp_path / "data"),
        "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini"),
    }


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def ocr(env: dict[str, str], *args: str) -> Result:
    """`desktop-ocr ARGS` with that environment, in this process (tests/cli_in_process.py)."""
    ran = run_main(args, env=env)
    return Result(ran.returncode, ran.stdout.decode(), ran.stderr.decode())


def add(env: dict[str, str], answer: str, **fields: object) -> int:
    store = open_folder(Path(env["DESKTOP_OCR_DATA_DIR"]))
    page = NewPage(noise_image(40, 30), [Turn("Extract the text", answer)])
    record_id = store.add(NewRecord(pages=[page], **{"source": Source.SNIP, "mode": "text", **fields}))  # type: ignore[arg-type]
    store.close()
    return record_id


def test_history_lists_every_record_newest_first_one_per_line(env: dict[str, str]) -> None:
    first = add(env, "\n  Invoice 2024\twith a tab\nsecond line", source=Source.FILE, name="/scans/a b.png")
    second = add(env, "Shopping list: milk")
    third = add(env, "", source=Source.PASTE, state=State.STOPPED)
    result = ocr(env, "--history")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(third), str(second), str(first)]
    fields = [line.split("\t") for line in lines]
    assert all(len(f) == 4 for f in fields)
    assert fields[2][2:] == ["/scans/a b.png", "Invoice 2024 with a tab"]
    assert fields[1][2:] == ["snip", "Shopping list: milk"]
    assert fields[0][2:] == ["paste", ""]
    when = datetime.fromisoformat(fields[0][1])
    assert when.tzinfo is not None and abs((datetime.now().astimezone() - when).total_seconds()) < 300


def test_history_query_and_limit(env: dict[str, str]) -> None:
    ids = [add(env, f"receipt number {n}") for n in range(4)]
    other = add(env, "a letter to Bob")
    assert ocr(env, "--history", "rece").stdout.count("\n") == 4
    result = ocr(env, "--history", "rec", "numb", "--limit", "2")  # two words after the flag: one query
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [str(ids[3]), str(ids[2])]
    assert ocr(env, "--history", '"bob -(').stdout.split("\t")[0] == str(other)  # FTS syntax is harmless
    assert ocr(env, "--history", "nothing-like-this").stdout == ""
    assert ocr(env, "--history", "--limit", "1").stdout.split("\t")[0] == str(other)


def test_history_show_prints_the_latest_answer_exactly(env: dict[str, str]) -> None:
    answer = "Line one\n\n  indented $x^2$\nno final newline"
    record_id = add(env, answer)
    result = ocr(env, "--history-show", str(record_id))
    assert result.returncode == 0 and result.stdout == answer
    store = open_folder(Path(env["DESKTOP_OCR_DATA_DIR"]))
    store.add_turn(record_id, Turn("and?", "follow-up answer\n"))
    assert ocr(env, "--history-show", str(record_id)).stdout == "follow-up answer\n"
    store.set_edited(record_id, "my corrected text")
    store.close()
    assert ocr(env, "--history-show", str(record_id)).stdout == "my corrected text"


def test_history_show_of_an_unknown_id_is_one_line_and_exit_1(env: dict[str, str]) -> None:
    add(env, "x")
    result = ocr(env, "--history-show", "999")
    assert result.returncode == 1
    assert result.stdout == "" and result.stderr == "desktop-ocr: no history record 999\n"


def test_a_corrupt_history_is_said_once_and_the_command_still_works(env: dict[str, str]) -> None:
    data = Path(env["DESKTOP_OCR_DATA_DIR"])
    data.mkdir()
    (data / "history.sqlite3").write_bytes(b"garbage" * 1000)
    result = ocr(env, "--history")
    assert result.returncode == 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "moved to" in result.stderr
    assert ocr(env, "--history").stderr == ""


def test_history_off_shows_nothing_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    Path(env["DESKTOP_OCR_SETTINGS"]).write_text("[General]\nkeep_history=false\n")
    result = ocr(env, "--history")
    assert result.returncode == 0 and result.stdout == ""
    assert not Path(env["DESKTOP_OCR_DATA_DIR"]).exists()


def test_bad_combinations_are_usage_errors(env: dict[str, str]) -> None:
    assert ocr(env, "--history", "--cli").returncode == 2
    assert ocr(env, "--history", "x", "--history-show", "1").returncode == 2
    assert ocr(env, "--limit", "3").returncode == 2
    assert ocr(env, "--record", "x.png").returncode == 2  # --record is for --cli


def test_cli_runs_are_recorded_only_with_record(
    env: dict[str, str], tiny_model: Path, tmp_path: Path
) -> None:
    images = []
    for seed in range(2):
        path = tmp_path / f"scan{seed}.png"
        noise_image(200, 90, seed=seed).save(path)
        images.append(path)
    flags = [
        "--cli",
        "--model",
        str(tiny_model),
        "--device",
        "cpu",
        "--dtype",
        "float32",
        "--max-new-tokens",
        "6",
    ]
    plain = ocr(env, *flags, str(images[0]))
    assert plain.returncode == 0, plain.stderr
    assert ocr(env, "--history").stdout == ""  # not recorded without --record
    recorded = ocr(env, *flags, "--record", "--mode", "latex", *map(str, images))
    assert recorded.returncode == 0, recorded.stderr
    lines = ocr(env, "--history").stdout.splitlines()
    assert [line.split("\t")[2] for line in lines] == [str(images[1]), str(images[0])]
    store = open_folder(Path(env["DESKTOP_OCR_DATA_DIR"]))
    newest = store.get(int(lines[0].split("\t")[0]))
    assert newest is not None
    assert (newest.source, newest.mode, newest.backend, newest.device, newest.dtype) == (
        Source.FILE, "latex", "local", "cpu", "float32",
    )  # fmt: skip
    assert newest.model == str(tiny_model) and newest.stats["new_tokens"] >= 1
    assert newest.text in recorded.stdout  # the answer that was printed is the one kept
    assert newest.pages[0].width == 200 and store.image(newest.id) is not None
    assert ocr(env, "--history-show", str(newest.id)).stdout == newest.text


def test_a_jobs_run_records_each_answer_in_input_order(
    backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from desktop_ocr.cli.history import Recorder
    from desktop_ocr.cli.parser import build_parser
    from desktop_ocr.cli.pipeline import InputsRun
    from desktop_ocr.engine import PixelBudget

    monkeypatch.setenv("DESKTOP_OCR_DATA_DIR", str(tmp_path / "data"))
    paths = []
    for seed in range(3):
        path = tmp_path / f"b{seed}.png"
        noise_image(120, 60, seed=seed).save(path)
        paths.append(str(path))
    paths.insert(1, str(tmp_path / "missing.png"))  # a failed image is not recorded
    args = build_parser().parse_args(["--cli", "--record", "--prompt", "Read it", *paths])
    recorder = Recorder(args, io.StringIO())
    out, err = io.StringIO(), io.StringIO()
    run = InputsRun(args, PixelBudget(), 16, lambda: backend, out, err)
    run.recorder = recorder
    assert run.run(jobs=2) == 1
    assert recorder.store is not None
    rows = recorder.store.list()
    assert [r.name for r in rows] == [paths[3], paths[2], paths[0]]
    newest = recorder.store.get(rows[0].id)
    assert newest is not None and (newest.mode, newest.prompt) == ("", "Read it")
    assert newest.text in out.getvalue() and newest.backend == "local"
    recorder.close()


def test_a_recorded_pdf_is_one_record_with_its_pages(env: dict[str, str], tiny_model, tmp_path: Path) -> None:
    from desktop_ocr._dev.pdfs import make_pdf, text_page

    pdf = make_pdf(tmp_path / "doc.pdf", [text_page(f"page {n}", seed=n) for n in range(3)])
    flags = ["--model", str(tiny_model), "--device", "cpu", "--dtype", "float32", "--max-new-tokens", "8"]
    result = ocr(env, "--cli", "--record", "--pages", "1,3", *flags, str(pdf))
    assert result.returncode == 0, result.stderr
    store = open_folder(Path(env["DESKTOP_OCR_DATA_DIR"]))
    rows = store.list()
    assert len(rows) == 1 and rows[0].pages == 2 and rows[0].name == str(pdf)
    record = store.get(rows[0].id)
    assert record is not None and len(record.pages) == 2
    assert all(page.turns and page.turns[0].answer is not None for page in record.pages)
    assert [page.document_page for page in record.pages] == [1, 3]  # the PDF's own page numbers
    assert "**Page 3**" in record.text and "**Page 2**" not in record.text
    assert store.image(rows[0].id, page=1) is not None
    store.close()
