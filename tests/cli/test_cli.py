"""`desktop-ocr --cli`, run as a user runs it (subprocesses) and in-process where timing matters."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys

import pytest

from desktop_ocr.cli import EXIT_INTERRUPTED, CliRun, build_parser, engine_options
from desktop_ocr.engine import Conversation, prompt_for
from tests.cli_in_process import Ran, run_main
from tests.conftest import noise_image

MAX_NEW = "40"


def run_real_cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m desktop_ocr --cli ARGS` as a user runs it: a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "--cli", *args], capture_output=True, timeout=240
    )


def run_cli(*args: str, stdin: bytes = b"", env: dict | None = None) -> Ran:
    """The same command's `main`, in this process (tests/cli_in_process.py says why)."""
    return run_main(["--cli", *args], stdin=stdin, env=env)


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-images")
    paths = []
    for seed in range(2):
        path = folder / f"page{seed}.png"
        noise_image(320, 120, seed=seed).save(path)
        paths.append(path)
    return paths


def expected_answer(backend, path, mode="text"):
    from desktop_ocr.engine import load_image

    conversation = Conversation.start(load_image(path), prompt_for(mode))
    return backend.generate(conversation, max_new_tokens=int(MAX_NEW)).text


def test_one_image_prints_exactly_the_answer(backend, tiny_model, images):
    result = run_real_cli(
        str(images[0]), "--model", str(tiny_model), "--dtype", "float32", "--max-new-tokens", MAX_NEW
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == expected_answer(backend, images[0])
    assert result.stderr == b""


def test_several_images_get_headers_and_bad_ones_do_not_stop_the_rest(backend, tiny_model, images, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    missing = tmp_path / "missing.png"
    result = run_cli(
        str(images[0]),
        str(bad),
        str(missing),
        str(images[1]),
        "--model",
        str(tiny_model),
        "--dtype",
        "float32",
        "--max-new-tokens",
        MAX_NEW,
        "--mode",
        "latex",
    )
    assert result.returncode == 1
    out = result.stdout.decode()
    first, second = (expected_answer(backend, p, "latex") for p in images)
    assert out == f"==> {images[0]} <==\n{first}\n\n==> {images[1]} <==\n{second}\n"
    errors = result.stderr.decode().strip().splitlines()
    assert len(errors) == 2
    assert str(bad) in errors[0] and "not an image" in errors[0]
    assert str(missing) in errors[1] and "no such file" in errors[1]
    assert "Traceback" not in result.stderr.decode()


def test_stdin_dash_reads_an_image(backend, tiny_model, images):
    result = run_cli(
        "-",
        "--model",
        str(tiny_model),
        "--dtype",
        "float32",
        "--max-new-tokens",
        MAX_NEW,
        stdin=images[1].read_bytes(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == expected_answer(backend, images[1])


def test_verbose_prints_stats_to_stderr_only(backend, tiny_model, images):
    result = run_cli(
        str(images[0]),
        "--model",
        str(tiny_model),
        "--dtype",
        "float32",
        "--max-new-tokens",
        MAX_NEW,
        "--verbose",
        "--min-pixels",
        "3136",
        "--max-pixels",
        "100000",
    )
    assert result.returncode == 0
    err = result.stderr.decode()
    assert "visual tokens" in err and "first token" in err and "tok/s" in err
    assert "float32" in err


def test_model_env_var_is_used(tiny_model, images):
    result = run_cli(
        str(images[0]),
        "--dtype",
        "float32",
        "--max-new-tokens",
        "4",
        env={"DESKTOP_OCR_MODEL": str(tiny_model)},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--model", "/nonexistent/model/folder"], "not a hub id"),
        (["--min-pixels", "10"], "min_pixels"),
        (["--max-new-tokens", "0"], "at least 1"),
        ([], "needs at least one INPUT"),
    ],
)
def test_bad_arguments_and_models_fail_in_one_line(images, args, fragment):
    files = [str(images[0])] if args else []
    result = run_cli(*files, *args)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert fragment in err and "Traceback" not in err
    if args[:1] == ["--model"]:
        assert err.rstrip().endswith("or pass --model /path/to/a/downloaded/model/folder")


def test_version():
    result = subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("desktop-ocr ")


class ChunkRecorder(io.StringIO):
    """A stdout that records each write; optionally sends SIGINT after the nth."""

    def __init__(self, interrupt_after: int | None = None) -> None:
        super().__init__()
        self.writes: list[str] = []
        self.interrupt_after = interrupt_after

    def write(self, text: str) -> int:
        self.writes.append(text)
        if self.interrupt_after is not None and len(self.writes) == self.interrupt_after:
            os.kill(os.getpid(), signal.SIGINT)
        return super().write(text)


def cli_run(backend, path, stdout, stderr):
    args = build_parser().parse_args(["--cli", str(path), "--max-new-tokens", "160"])
    run = CliRun(args, engine_options(args), stdout=stdout, stderr=stderr)
    run.backend = backend
    return run


def test_answers_stream_in_chunks(backend, images):
    out = ChunkRecorder()
    assert cli_run(backend, images[0], out, io.StringIO()).run() == 0
    assert len(out.writes) > 1
    assert "".join(out.writes) == out.getvalue()


def test_ctrl_c_stops_the_generation_cleanly(backend, images):
    full = ChunkRecorder()
    cli_run(backend, images[0], full, io.StringIO()).run()
    assert len(full.writes) > 4, "precondition: a long streamed answer"

    out, err = ChunkRecorder(interrupt_after=2), io.StringIO()
    assert cli_run(backend, images[0], out, err).run() == EXIT_INTERRUPTED
    assert err.getvalue().strip() == "desktop-ocr: interrupted"
    assert len(out.getvalue()) < len(full.getvalue())
    assert full.getvalue().startswith(out.getvalue())


def test_json_format_prints_one_object_per_image_with_every_token(backend, tiny_model, images):
    import json

    result = run_cli(
        *map(str, images), "--model", str(tiny_model), "--dtype", "float32", "--max-new-tokens", MAX_NEW,
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == len(images)
    for line, path in zip(lines, images, strict=True):
        record = json.loads(line)
        from desktop_ocr.engine import load_image

        answer = backend.generate(
            Conversation.start(load_image(path), prompt_for("text")), max_new_tokens=int(MAX_NEW)
        )
        assert record["file"] == str(path)
        assert record["text"] == answer.text
        assert "".join(token["text"] for token in record["tokens"]) == record["text"]
        assert [token["id"] for token in record["tokens"]] == [token.id for token in answer.tokens]
        assert [token["p"] for token in record["tokens"]] == pytest.approx(
            [token.p for token in answer.tokens], abs=1e-5
        )
        assert all(0 < token["p"] <= 1 for token in record["tokens"])
        # One entry per generated token, the end token excluded.
        ended = record["stats"]["stop_reason"] == "end"
        assert len(record["tokens"]) == record["stats"]["new_tokens"] - (1 if ended else 0)
        assert set(record["stats"]) >= {"new_tokens", "visual_tokens", "stop_reason", "total_time"}


def test_text_format_is_the_default_and_unchanged(backend, tiny_model, images):
    # The default run is test_one_image_prints_exactly_the_answer's command: it prints exactly
    # expected_answer(); the same bytes with --format text make the two equal, at one process less.
    explicit = run_cli(
        str(images[0]), "--model", str(tiny_model), "--dtype", "float32", "--max-new-tokens", MAX_NEW,
        "--format", "text",
    )  # fmt: skip
    assert explicit.returncode == 0, explicit.stderr
    assert explicit.stdout.decode() == expected_answer(backend, images[0])
    assert not explicit.stdout.startswith(b"{")


def test_a_fifo_is_refused_in_one_line_instead_of_hanging(tiny_model, images, tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)  # nobody writes to it: reading it would block forever
    # A process of its own, so that a hang would be a timeout, not a stuck suite.
    result = run_real_cli(str(fifo), str(images[0]), "--model", str(tiny_model), "--dtype", "float32",
                          "--max-new-tokens", MAX_NEW)  # fmt: skip
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert f"{fifo}: not a regular file" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if "pipe.png" in line]) == 1
    assert "==> " + str(images[0]) in result.stdout.decode()  # the next image still ran


def test_engine_hints_are_worded_as_flags():
    from desktop_ocr.cli.output import HINT_WORDS, error_line
    from desktop_ocr.engine import Hint, OutOfMemoryError

    assert set(HINT_WORDS) == set(Hint)
    assert error_line(OutOfMemoryError("out of memory", Hint.LOWER_MAX_PIXELS)) == (
        "desktop-ocr: out of memory; lower --max-pixels"
    )
