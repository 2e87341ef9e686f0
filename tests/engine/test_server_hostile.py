"""The server backend against servers that misbehave (tests/engine/hostile_server.py)."""

from __future__ import annotations

import threading

import pytest

from desktop_ocr.engine import CancelToken, Conversation, Hint, StopReason, prompt_for
from desktop_ocr.engine import server as server_module
from desktop_ocr.engine.server import ServerBackend, ServerError, ServerOptions
from tests.conftest import noise_image
from tests.engine.hostile_server import HostileServer

# Every wait below ends on an event long before this; it only bounds a failing test.
GIVE_UP_S = 60


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server


def ask(server: HostileServer, mode: str, cancel: CancelToken | None = None, **options):
    backend = ServerBackend(ServerOptions(url=server.url(mode), model="x", **options))
    conversation = Conversation.start(noise_image(64, 32), prompt_for("text"))
    return backend.generate(conversation, None, cancel), conversation


def test_cancel_ends_a_request_that_waits_for_its_first_byte(hostile):
    """The window's Stop: the token shuts the socket down, the server sees the client leave."""
    token = CancelToken()
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(ask(hostile, "never", token)[0]))
    thread.start()
    assert hostile.requested.wait(GIVE_UP_S)
    token.cancel()
    thread.join(GIVE_UP_S)
    assert not thread.is_alive(), "the request still waits after Stop"
    assert outcome and outcome[0].stats.stop_reason is StopReason.CANCELLED
    assert hostile.disconnected.wait(GIVE_UP_S)  # the HTTP request was ended, not abandoned


def test_cancel_mid_stream_ends_the_http_stream(hostile):
    """Stop while the answer streams: no further piece is read, and the server sees the client
    leave (so a real server stops generating, and the next request does not wait behind it)."""
    token = CancelToken()
    chunks: list[str] = []

    def on_chunk(text: str) -> None:
        chunks.append(text)
        if len(chunks) == 3:
            token.cancel()

    backend = ServerBackend(ServerOptions(url=hostile.url("ignore-max-tokens"), model="x"))
    conversation = Conversation.start(noise_image(64, 32), prompt_for("text"))
    # A limit the endless stream would take thousands of pieces to reach: only the cancel ends it.
    answer = backend.generate(conversation, on_chunk, token, max_new_tokens=100_000)
    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert len(chunks) == 3 and answer.text == "".join(chunks)
    assert conversation.turns[-1].answer is None  # a cancelled turn is not recorded
    assert hostile.disconnected.wait(GIVE_UP_S)  # the stream was closed, not left open


def test_a_cancelled_token_ends_the_request_before_it_connects(hostile):
    token = CancelToken()
    token.cancel()
    answer, _ = ask(hostile, "never", token)
    assert answer.stats.stop_reason is StopReason.CANCELLED and not hostile.requested.is_set()


def test_a_silent_server_times_out_after_the_set_time(hostile):
    with pytest.raises(ServerError) as caught:
        ask(hostile, "never", timeout=0.3)
    assert "sent nothing for 0.3 s" in str(caught.value)
    assert caught.value.hint is Hint.RAISE_SERVER_TIMEOUT


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("close-eof", "cut off"),
        ("html-200", "answered with text/html, not an OpenAI event stream"),
        ("not-sse", "answered with application/json, not an OpenAI event stream"),
    ],
)
def test_an_incomplete_or_foreign_answer_is_an_error_not_an_answer(hostile, mode, words):
    with pytest.raises(ServerError) as caught:
        ask(hostile, mode)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_malformed_logprobs_cost_the_marks_not_the_answer(hostile):
    answer, _ = ask(hostile, "bad-logprobs")
    assert answer.text == "hi" and answer.tokens == ()
    assert answer.stats.stop_reason is StopReason.END


def test_max_tokens_holds_when_the_server_ignores_it(hostile):
    answer, _ = ask(hostile, "ignore-max-tokens", max_new_tokens=8)
    assert answer.stats.stop_reason is StopReason.MAX_TOKENS
    assert 0 < len(answer.text) <= 8 * server_module.MAX_CHARS_PER_TOKEN
    assert hostile.bodies[0]["max_tokens"] == 8
    assert hostile.disconnected.wait(GIVE_UP_S)  # the rest of the stream is not read


def test_the_normal_answer_still_works(hostile):
    answer, conversation = ask(hostile, "ok")
    assert answer.text == "Hello world" and answer.stats.stop_reason is StopReason.END
    assert conversation.turns[0].answer == "Hello world"


def test_a_password_in_the_url_is_never_shown(hostile):
    url = hostile.url("ok").replace("http://", "http://user:S3CRET@")
    backend = ServerBackend(ServerOptions(url=url, model="x"))
    assert "S3CRET" not in backend.describe() and "user:***@" in backend.describe()
    refused = url.replace(str(hostile.server_address[1]), "9")
    with pytest.raises(ServerError) as caught:
        ServerBackend(ServerOptions(url=refused))
    assert "S3CRET" not in str(caught.value) and "user:***@127.0.0.1:9" in str(caught.value)


@pytest.mark.parametrize("url", ["http://[::1", "http://host:port/v1", "ftp://host/v1", "127.0.0.1:8000"])
def test_an_unusable_url_is_one_line(url):
    with pytest.raises(ServerError) as caught:
        ServerBackend(ServerOptions(url=url, model="x"))
    assert str(caught.value).startswith("not a usable server URL") and "\n" not in str(caught.value)
