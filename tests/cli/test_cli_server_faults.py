"""`desktop-ocr --cli --server` against servers that misbehave (tests/engine/hostile_server.py).

Ctrl+C needs a real process (a real signal, the interpreter's exit waiting for threads);
everything else runs in-process (tests/cli_in_process.py).
"""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time

import pytest

from desktop_ocr.cli import (
    EXIT_INTERRUPTED,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    CliRun,
    build_parser,
    engine_options,
)
from tests.cli_in_process import Ran, run_main
from tests.conftest import free_port, noise_image
from tests.engine.hostile_server import ESCAPES, ESCAPES_SHOWN, HostileServer

GIVE_UP_S = 120  # bounds a failing test only; every wait ends on an event


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    path = tmp_path_factory.mktemp("server-faults") / "a.png"
    noise_image(64, 32).save(path)
    return path


def cli(*args: str) -> Ran:
    return run_main(["--cli", *args])


def lines(data: bytes) -> list[str]:
    return data.decode().splitlines()


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("close-eof", "the answer was cut off"),
        ("html-200", "answered with text/html, not an OpenAI event stream"),
        ("not-sse", "answered with application/json, not an OpenAI event stream"),
    ],
)
def test_a_cut_or_foreign_answer_is_one_line_and_exit_1(hostile, image, mode, words):
    ran = cli(str(image), "--server", hostile.url(mode), "--server-model", "x")
    assert ran.returncode == EXIT_SOME_FAILED
    assert len(lines(ran.stderr)) == 1 and words in ran.stderr.decode(), ran.stderr
    assert b"Traceback" not in ran.stderr


def test_a_cut_answer_is_not_written_as_done(hostile, image, tmp_path):
    out = tmp_path / "out.md"
    ran = cli(str(image), "--server", hostile.url("close-eof"), "--server-model", "x", "-o", str(out))
    assert ran.returncode == EXIT_SOME_FAILED and not out.exists()


def test_malformed_logprobs_keep_the_answer_without_marks(hostile, image):
    import json

    ran = cli(str(image), "--server", hostile.url("bad-logprobs"), "--server-model", "x", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    record = json.loads(ran.stdout)
    assert record["text"] == "hi" and record["tokens"] == []


def test_max_new_tokens_holds_against_a_server_that_ignores_it(hostile, image):
    ran = cli(
        str(image),
        "--server",
        hostile.url("ignore-max-tokens"),
        "--server-model",
        "x",
        "--max-new-tokens",
        "8",
    )
    assert ran.returncode == 0, ran.stderr
    assert 0 < len(ran.stdout) <= 8 * 64


class Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_escape_codes_never_reach_the_terminal(hostile, image):
    argv = ["--cli", str(image), "--server", hostile.url("escape-codes"), "--server-model", "x"]
    args = build_parser().parse_args(argv)
    out, err = Terminal(), io.StringIO()
    assert CliRun(args, engine_options(args), stdout=out, stderr=err).run() == 0, err.getvalue()
    assert out.getvalue() == ESCAPES_SHOWN + "\n"


def test_escape_codes_reach_a_pipe_exactly(hostile, image):
    """A pipe or file gets the model's answer as it is (stdout is exactly the answer)."""
    ran = cli(str(image), "--server", hostile.url("escape-codes"), "--server-model", "x")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.decode() == ESCAPES


def test_escape_codes_in_json_are_escaped(hostile, image):
    import json

    ran = cli(str(image), "--server", hostile.url("escape-codes"), "--server-model", "x", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    raw = ran.stdout.decode()
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in raw)
    assert "\x1b]0;pwned" in json.loads(raw)["text"]  # the same text, written as escapes


def test_server_timeout_flag_sets_the_no_progress_timeout(hostile, image):
    ran = cli(str(image), "--server", hostile.url("never"), "--server-model", "x", "--server-timeout", "0.5")
    assert ran.returncode == EXIT_SOME_FAILED
    assert lines(ran.stderr) == [
        f"desktop-ocr: {hostile.url('never')} sent nothing for 0.5 s; "
        "raise --server-timeout if its prefill takes longer"
    ]


@pytest.mark.parametrize("value", ["0", "-3", "soon", "inf", "nan"])
def test_server_timeout_must_be_a_positive_number(value):
    ran = cli("a.png", "--server", "http://127.0.0.1:9/v1", "--server-timeout", value)
    assert ran.returncode == EXIT_USAGE and b"--server-timeout" in ran.stderr


def test_a_password_in_the_server_url_is_never_printed(hostile, image):
    url = f"http://user:S3CRET@127.0.0.1:{free_port()}/v1"
    refused = cli(str(image), "--server", url, "--server-model", "x")
    assert refused.returncode == EXIT_SOME_FAILED
    assert b"S3CRET" not in refused.stderr and b"user:***@127.0.0.1" in refused.stderr

    verbose = cli(
        str(image),
        "--server",
        hostile.url("ok").replace("//", "//user:S3CRET@"),
        "--server-model",
        "x",
        "--verbose",
    )
    assert verbose.returncode == 0, verbose.stderr
    assert (
        b"S3CRET" not in verbose.stderr + verbose.stdout
        and b"ready: x \xc2\xb7 http://user:***@" in verbose.stderr
    )


def test_a_bad_server_url_is_one_line(image):
    ran = cli(str(image), "--server", "http://[::1", "--server-model", "x")
    assert ran.returncode == EXIT_USAGE
    assert len(lines(ran.stderr)) == 1 and "not a usable server URL: http://[::1" in ran.stderr.decode()


# -- Ctrl+C, in a real process ------------------------------------------------------------------


def start_cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_ocr", "--cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def interrupt_once(process: subprocess.Popen[bytes]) -> tuple[float, list[str]]:
    """SIGINT once; seconds until the run says it was interrupted (a reader thread's event, no
    polling), and its stderr lines. The process must then exit."""
    said: list[str] = []
    interrupted = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            said.append(line.decode().rstrip("\n"))
            if said[-1].endswith("interrupted"):
                break
        interrupted.set()

    threading.Thread(target=read, daemon=True).start()
    sent = time.perf_counter()
    process.send_signal(signal.SIGINT)
    if not interrupted.wait(GIVE_UP_S):
        process.kill()
        process.wait()
        pytest.fail(f"one Ctrl+C did not end the run; it said {said}")
    ended = time.perf_counter() - sent
    try:
        process.wait(GIVE_UP_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"one Ctrl+C did not end the process; it said {said}")
    return ended, said


@pytest.mark.parametrize("jobs", [1, 4])
def test_one_ctrl_c_ends_requests_waiting_on_a_silent_server(hostile, tmp_path, jobs):
    from desktop_ocr._dev.pdfs import make_pdf, text_page

    # --jobs answers a document's pages in parallel: four pages, four waiting requests.
    pdf = make_pdf(tmp_path / "doc.pdf", [text_page(f"page {n}", seed=n) for n in range(1, jobs + 1)])
    started = time.perf_counter()
    process = start_cli(
        str(pdf), "--server", hostile.url("never"), "--server-model", "x", "--jobs", str(jobs),
        "--max-pixels", "50176", "--min-pixels", "3136",
    )  # fmt: skip
    assert hostile.wait_requests(jobs, GIVE_UP_S), "precondition: every request reached the server"
    startup = time.perf_counter() - started
    ended, said = interrupt_once(process)
    assert process.returncode == EXIT_INTERRUPTED, said
    assert said[-1].endswith("desktop-ocr: interrupted"), said
    assert hostile.disconnected.wait(GIVE_UP_S)
    # Ending takes a small fraction of what starting took (imports alone take seconds); the
    # server's timeout (300 s) is never what ended it.
    assert ended < startup / 4, (ended, startup)
