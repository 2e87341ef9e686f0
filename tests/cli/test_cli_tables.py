"""`-o FILE.csv|.xlsx`, `--format csv|xlsx` and `--lines` through the real CLI and server backend.

The answers come from a scripted OpenAI-compatible server (the tiny random model writes no
tables): each image's colour picks its answer, so a test knows what each input "says".
"""

from __future__ import annotations

import base64
import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from openpyxl import load_workbook
from PIL import Image

from tests.cli_in_process import run_main
from tests.render.test_tables import CELLS, HTML, MARKDOWN

WRAPPED = "A para-\ngraph that the\nmodel wrapped.\n\n| x |\n|---|\n| 1 |\n"
ANSWERS = {
    (255, 0, 0): MARKDOWN,
    (0, 255, 0): HTML,
    (0, 0, 255): "No table here, only prose.",
    (255, 255, 0): WRAPPED,
}


class ScriptedServer(BaseHTTPRequestHandler):
    def log_message(self, *_args) -> None:
        pass

    def do_GET(self) -> None:
        self._send("application/json", json.dumps({"object": "list", "data": [{"id": "scripted"}]}))

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        parts = body["messages"][-1]["content"]
        url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
        image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")
        answer = ANSWERS[image.getpixel((0, 0))]
        chunk = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "scripted",
            "choices": [{"index": 0, "delta": {"content": answer}, "finish_reason": "stop"}],
        }
        self._send("text/event-stream", f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n")

    def _send(self, kind: str, payload: str) -> None:
        data = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    paths = {}
    for name, colour in zip(("markdown", "html", "prose", "wrapped"), ANSWERS, strict=True):
        paths[name] = folder / f"{name}.png"
        Image.new("RGB", (64, 48), colour).save(paths[name])
    return paths


def cli(server, *argv) -> tuple[int, str, str]:
    ran = run_main(["--cli", "--server", server, *map(str, argv)])
    return ran.returncode, ran.stdout.decode(), ran.stderr.decode()


def test_csv_gets_the_tables_of_all_answers_one_after_another(server, images, tmp_path):
    target = tmp_path / "tables.csv"
    code, out, err = cli(server, images["markdown"], images["html"], "-o", target)
    assert code == 0, err
    assert out == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(map(tuple, rows)) == (*CELLS, (), *CELLS)


def test_xlsx_gets_a_sheet_per_table_with_numbers(server, images, tmp_path):
    target = tmp_path / "tables.xlsx"
    code, _out, err = cli(server, images["markdown"], images["html"], "-o", target)
    assert code == 0, err
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["markdown table 1", "html table 1"]
    for sheet in workbook:
        assert sheet["B2"].value == 3.5 and sheet["B3"].value == 12 and sheet["B4"].value == "007"
        assert sheet["A1"].value == "Item" and sheet["C3"].value == "line one\nline two"


def test_an_answer_without_a_table_is_one_line_and_exit_1(server, images, tmp_path):
    target = tmp_path / "only.xlsx"
    code, _out, err = cli(server, images["prose"], "-o", target)
    assert code == 1
    assert f"desktop-ocr: {images['prose']}: no table in the answer" in err
    assert not target.exists() and list(tmp_path.iterdir()) == []  # nothing half-written

    mixed = tmp_path / "mixed.csv"
    code, _out, err = cli(server, images["prose"], images["markdown"], "-o", mixed)
    assert code == 1 and err.count("no table in the answer") == 1
    rows = list(csv.reader(io.StringIO(mixed.read_text(encoding="utf-8-sig"), newline="")))
    assert tuple(map(tuple, rows)) == CELLS


def test_format_csv_for_a_folder_writes_one_file_per_input_with_a_table(server, images, tmp_path):
    out_dir = tmp_path / "out"
    code, _out, err = cli(
        server, images["markdown"], images["prose"], images["html"], "-o", f"{out_dir}/", "--format", "xlsx"
    )
    assert code == 1 and err.count("no table in the answer") == 1
    assert sorted(path.name for path in out_dir.iterdir()) == ["html.xlsx", "markdown.xlsx"]
    sheet = load_workbook(out_dir / "html.xlsx").active
    assert sheet.title == "table 1" and sheet["A2"].value == "Tea"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("keep", WRAPPED),
        ("paragraphs", "A paragraph that the model wrapped.\n\n| x |\n|---|\n| 1 |\n"),
        ("single", "A paragraph that the model wrapped.\n\n| x |\n|---|\n| 1 |\n"),
    ],
)
def test_lines_changes_text_output_and_files_but_never_tables(server, images, tmp_path, mode, expected):
    code, out, err = cli(server, images["wrapped"], "--lines", mode)
    assert code == 0, err
    assert out == expected
    target = tmp_path / "wrapped.md"
    code, _out, err = cli(server, images["wrapped"], "--lines", mode, "-o", target)
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == expected


def test_lines_with_json_is_a_usage_error(server, images):
    code, _out, err = cli(server, images["wrapped"], "--lines", "single", "--format", "json")
    assert code == 2 and "--lines is for text output" in err
