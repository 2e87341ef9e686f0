"""QR codes and barcodes in the CLI: beside the answer in JSON and the history, and `--mode codes`
on its own without any model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_ocr._dev.code_images import code_picture, text_screen, with_code
from desktop_ocr._dev.pdfs import make_pdf
from desktop_ocr.engine import Conversation, load_image, prompt_for
from desktop_ocr.engine.prompts import NoPromptError
from desktop_ocr.history import open_folder
from tests.cli_in_process import run_main

MAX_NEW = "24"
URL = "https://example.org/menu?table=7"
EAN = "4006381333931"


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("codes")
    screen = text_screen((960, 600), seed=1)
    with_codes = with_code(screen, code_picture(URL, "QRCode"), (60, 80))
    with_codes = with_code(with_codes, code_picture(EAN, "EAN13", scale=2), (480, 300))
    paths = {"codes": folder / "codes.png", "plain": folder / "plain.png"}
    with_codes.save(paths["codes"])
    screen.save(paths["plain"])
    return paths


def model_flags(tiny_model: Path) -> list[str]:
    return ["--model", str(tiny_model), "--dtype", "float32", "--max-new-tokens", MAX_NEW]


def answer_of(backend, path: Path) -> str:
    conversation = Conversation.start(load_image(path), prompt_for("text"))
    return backend.generate(conversation, max_new_tokens=int(MAX_NEW)).text


def test_json_has_the_codes_beside_the_answer(backend, tiny_model, pictures) -> None:
    result = run_main(["--cli", str(pictures["codes"]), "--format", "json", *model_flags(tiny_model)])
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.decode().splitlines()
    data = json.loads(line)
    assert data["text"] == answer_of(backend, pictures["codes"])  # the model ran as always
    assert [(code["format"], code["text"]) for code in data["codes"]] == [("QR Code", URL), ("EAN-13", EAN)]
    qr_corners = data["codes"][0]["position"]
    assert qr_corners[0] == [60 + 16, 80 + 16]  # past the 4-module quiet zone of 4 px modules
    assert len(qr_corners) == 4


def test_text_output_stays_exactly_the_answer(backend, tiny_model, pictures) -> None:
    result = run_main(["--cli", str(pictures["codes"]), *model_flags(tiny_model)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == answer_of(backend, pictures["codes"])
    assert result.stderr == b""


def test_a_code_free_image_has_no_code_and_the_usual_answer(backend, tiny_model, pictures) -> None:
    result = run_main(["--cli", str(pictures["plain"]), "--format", "json", *model_flags(tiny_model)])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["codes"] == []
    assert data["text"] == answer_of(backend, pictures["plain"])


def test_record_keeps_the_codes_in_the_history(tiny_model, pictures, tmp_path) -> None:
    env = {"DESKTOP_OCR_DATA_DIR": str(tmp_path / "data"), "DESKTOP_OCR_SETTINGS": str(tmp_path / "s.ini")}
    result = run_main(["--cli", "--record", str(pictures["codes"]), *model_flags(tiny_model)], env=env)
    assert result.returncode == 0, result.stderr
    store = open_folder(tmp_path / "data")
    try:
        (summary,) = store.search(EAN)
        record = store.get(summary.id)
        assert record is not None
        assert [code.text for code in record.codes] == [URL, EAN]
    finally:
        store.close()


@pytest.fixture
def no_model_may_load(monkeypatch):
    """Any attempt to make a backend fails the test."""
    import desktop_ocr.engine.backends as backends

    def refuse(*_args, **_kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(backends, "create_backend", refuse)


def test_codes_mode_prints_each_code_text_on_its_line_without_a_model(
    pictures, tmp_path, no_model_may_load
) -> None:
    missing = tmp_path / "no-model-here"
    result = run_main(
        ["--cli", "--mode", "codes", str(pictures["codes"]), "--model", str(missing)],
        env={"HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"{URL}\n{EAN}\n"
    assert result.stderr == b""


def test_codes_mode_without_a_code_is_one_line_on_stderr_and_exit_1(pictures, no_model_may_load) -> None:
    result = run_main(["--cli", "--mode", "codes", str(pictures["plain"])])
    assert result.returncode == 1
    assert result.stdout == b""
    (line,) = result.stderr.decode().splitlines()
    assert line == f"desktop-ocr: {pictures['plain']}: no QR code or barcode found"


def test_codes_mode_json_and_several_inputs(pictures, no_model_may_load) -> None:
    result = run_main(
        ["--cli", "--mode", "codes", "--format", "json", str(pictures["plain"]), str(pictures["codes"])]
    )
    assert result.returncode == 1  # the plain one has none
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert first == {"file": str(pictures["plain"]), "codes": []}
    assert [code["text"] for code in second["codes"]] == [URL, EAN]
    result = run_main(["--cli", "--mode", "codes", str(pictures["codes"]), str(pictures["codes"])])
    assert result.stdout.decode() == (
        f"==> {pictures['codes']} <==\n{URL}\n{EAN}\n\n==> {pictures['codes']} <==\n{URL}\n{EAN}\n"
    )


def test_codes_mode_reads_each_document_page(tmp_path, no_model_may_load) -> None:
    pdf = make_pdf(
        tmp_path / "tickets.pdf",
        [code_picture("page one", "QRCode"), code_picture("page two", "DataMatrix", 6)],
    )
    result = run_main(["--cli", "--mode", "codes", str(pdf), "--dpi", "150"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"==> {pdf} page 1 <==\npage one\n\n==> {pdf} page 2 <==\npage two\n"


@pytest.mark.parametrize(
    ("flags", "said"), [(["-o", "out.md"], "leave out -o"), (["--record"], "leave out --record")]
)
def test_codes_mode_refuses_what_it_cannot_do(pictures, flags, said) -> None:
    result = run_main(["--cli", "--mode", "codes", str(pictures["codes"]), *flags])
    assert result.returncode == 2
    assert said in result.stderr.decode()


def test_the_engine_has_no_prompt_for_the_codes_mode() -> None:
    with pytest.raises(NoPromptError):
        prompt_for("codes")


def test_codes_mode_imports_no_model_library(pictures, tmp_path) -> None:
    """As a user runs it: a process of its own, in which torch and transformers are never imported."""
    script = (
        "import sys\n"
        "from desktop_ocr.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "loaded = sorted(m for m in ('torch', 'transformers', 'openvino') if m in sys.modules)\n"
        "print('loaded:', *loaded, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "--cli",
            "--mode",
            "codes",
            str(pictures["codes"]),
            "--model",
            str(tmp_path / "none"),
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"{URL}\n{EAN}\n"
    assert result.stderr.decode().strip() == "loaded:"
