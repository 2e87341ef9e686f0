"""The server backend against a real OpenAI-compatible server: `transformers serve` on the tiny model."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from desktop_ocr.engine import CancelToken, Conversation, EngineError, StopReason, prompt_for
from desktop_ocr.engine.server import ServerBackend, ServerError, ServerOptions, SpecialTokenFilter
from tests.cli_in_process import run_main
from tests.conftest import free_port, noise_image


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Result:
    """`desktop-ocr --cli ARGS`, through `main` in this process (tests/cli_in_process.py)."""
    ran = run_main(["--cli", *args])
    return Result(ran.returncode, ran.stdout.decode(), ran.stderr.decode())


MAX_NEW = 40


def streamed(text: str) -> str:
    """What a stream delivers of a local answer: a trailing incomplete UTF-8 character is dropped."""
    return text.rstrip("\ufffd")


@pytest.fixture(scope="module")
def remote(server):
    return ServerBackend(ServerOptions(url=server, max_new_tokens=MAX_NEW))


def test_the_only_model_is_picked_and_listed(remote, tiny_model):
    assert remote.model == str(tiny_model)
    assert remote.list_models() == [str(tiny_model)]


def test_answer_streams_in_chunks_with_stats(remote):
    chunks: list[str] = []
    answer = remote.generate(Conversation.start(noise_image(300, 90, 1), prompt_for("text")), chunks.append)
    assert len(chunks) > 1 and "".join(chunks) == answer.text
    assert answer.stats.time_to_first_token is not None and answer.stats.tokens_per_second
    assert answer.stats.new_tokens > 1 and answer.stats.visual_tokens >= 128


def test_served_answers_equal_the_local_backend(remote, backend):
    """The client sends the picture already resized, so the server sees what the local model sees."""
    for seed in range(4):
        image = noise_image(320, 100, seed=20 + seed)
        local = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=MAX_NEW).text
        served = remote.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=MAX_NEW).text
        # Every image must match: exactly, bar the trailing incomplete UTF-8 character a stream drops.
        assert served == streamed(local), (seed, served, local)


def test_follow_up_over_the_server(remote, backend):
    image = noise_image(300, 90, seed=8)
    conversation = Conversation.start(image, prompt_for("text"))
    remote.generate(conversation)
    conversation.ask("Which language is it?")
    second = remote.generate(conversation)
    assert len(conversation.turns) == 2 and conversation.turns[1].answer == second.text
    local = Conversation.start(image, prompt_for("text"))
    local.turns[0].answer = conversation.turns[0].answer
    local.ask("Which language is it?")
    expected = backend.generate(local, max_new_tokens=MAX_NEW).text
    assert second.text == streamed(expected)


def test_cancel_mid_stream_then_the_next_request_works(server, backend):
    remote = ServerBackend(ServerOptions(url=server, max_new_tokens=2000))
    token = CancelToken()
    chunks: list[str] = []

    def on_chunk(text: str) -> None:
        chunks.append(text)
        if len(chunks) == 3:
            threading.Thread(target=token.cancel).start()

    answer = remote.generate(Conversation.start(noise_image(300, 90, 3), prompt_for("text")), on_chunk, token)
    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert len(chunks) < 50
    image = noise_image(200, 60, 4)
    again = remote.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=5)
    local = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=5)
    assert again.text == streamed(local.text)  # a clean answer, not the cancelled one's tail
    assert again.stats.stop_reason is local.stats.stop_reason
    # That the cancel ends the HTTP stream (so the server stops generating, and the next answer
    # does not wait behind it) is tested in test_server_hostile.py, where the server can see it.


def test_connection_refused_is_one_clear_line():
    with pytest.raises(ServerError) as caught:
        ServerBackend(ServerOptions(url=f"http://127.0.0.1:{free_port()}/v1"))
    assert "cannot connect" in str(caught.value) and "\n" not in str(caught.value)


def test_unknown_model_is_reported(server):
    remote = ServerBackend(ServerOptions(url=server, model="someone/other-model"))
    with pytest.raises(EngineError) as caught:
        remote.generate(Conversation.start(noise_image(100, 40), prompt_for("text")))
    # `transformers serve` pinned to one model answers 400 and names the model asked for.
    assert isinstance(caught.value, ServerError)
    assert "HTTP 400" in str(caught.value) and "someone/other-model" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_special_tokens_are_filtered_across_chunks():
    f = SpecialTokenFilter()
    out = (
        f.feed("a<|vid")
        + f.feed("eo_pad|>b<|im_")
        + f.feed("end|>")
        + f.feed("c <| not a token")
        + f.finish()
    )
    assert out == "abc <| not a token"


def test_cli_batch_keeps_input_order_with_four_jobs(server, backend, tmp_path):
    paths = []
    for index in range(6):
        path = tmp_path / f"p{index}.png"
        noise_image(260 + 20 * index, 80, seed=30 + index).save(path)
        paths.append(path)
    bad = tmp_path / "bad.png"
    bad.write_text("not a png")
    result = cli(
        "--server", server, "--jobs", "4", "--max-new-tokens", "12",
        *map(str, paths[:3]), str(bad), *map(str, paths[3:]),
    )  # fmt: skip
    assert result.returncode == 1  # one image failed, the others were answered
    headers = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert headers == [f"==> {p} <==" for p in paths]
    assert "bad.png" in result.stderr and "6/7" not in result.stdout
    assert "7/7 images" in result.stderr


def test_cli_with_an_unreachable_server(tmp_path):
    image = tmp_path / "a.png"
    noise_image(100, 40).save(image)
    result = cli("--server", f"http://127.0.0.1:{free_port()}/v1", str(image))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot connect" in result.stderr


def test_cli_pdf_pages_go_to_the_server_in_parallel_in_order(server, tmp_path):
    from desktop_ocr._dev.pdfs import make_pdf, text_page

    pdf = make_pdf(tmp_path / "paper.pdf", [text_page(f"page {n}", seed=n) for n in range(1, 6)])
    common = ["--server", server, "--max-new-tokens", "8", "--max-pixels", "50176", "--min-pixels", "3136"]
    pages = tmp_path / "pages"

    parallel = cli(*common, str(pdf), "--jobs", "3", "--save-pages", str(pages))
    assert parallel.returncode == 0, parallel.stderr
    headers = [line for line in parallel.stdout.splitlines() if line.startswith("==> ")]
    assert headers == [f"==> {pdf} page {n} <==" for n in range(1, 6)]
    assert "5/5 pages" in parallel.stderr
    # The same answers as one page at a time.
    assert cli(*common, str(pdf)).stdout == parallel.stdout
