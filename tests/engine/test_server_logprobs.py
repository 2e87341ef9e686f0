"""Token probabilities over the server backend: the real `transformers serve`, and a logprobs shape."""

from __future__ import annotations

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from desktop_ocr.engine import Conversation, prompt_for
from desktop_ocr.engine.server import ServerBackend, ServerOptions
from tests.conftest import noise_image


def test_transformers_serve_gives_no_logprobs_and_no_error(server, backend):
    """transformers serve ignores `logprobs` (it lists it as unsupported): no marks, same answer."""
    remote = ServerBackend(ServerOptions(url=server, max_new_tokens=24))
    image = noise_image(320, 100, seed=21)
    served = remote.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=24)
    local = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=24)
    assert served.tokens == ()
    assert served.text in (local.text, local.text.rstrip("\ufffd"))


# What vLLM / llama.cpp stream with logprobs=true, top_logprobs=N: "€" split over two tokens.
EURO = "€".encode()
STREAM = [
    ("Price", list(b"Price"), -0.05, [("Price", -0.05), ("Prize", -3.2)]),
    (" 5", list(b" 5"), -1.2, [(" 5", -1.2), (" 6", -1.4), (" S", -2.0)]),
    ("", list(EURO[:1]), -0.3, [("bytes:\\xe2", -0.3)]),
    ("€", list(EURO[1:]), -0.01, []),
]


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict]] = []

    def log_message(self, *_args) -> None:
        pass

    def do_GET(self) -> None:
        self._json({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for index, (text, raw, logprob, tops) in enumerate(STREAM):
            entry = {
                "token": text or "bytes:\\xe2",
                "logprob": logprob,
                "bytes": raw,
                "top_logprobs": [{"token": t, "logprob": lp, "bytes": None} for t, lp in tops],
            }
            choice = {
                "index": 0,
                "delta": {"content": text} if text else {},
                "logprobs": {"content": [entry]} if body.get("logprobs") else None,
                "finish_reason": "stop" if index == len(STREAM) - 1 else None,
            }
            chunk = {
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "fake",
                "choices": [choice],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def _json(self, data: dict) -> None:
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_a_server_with_logprobs_gives_tokens_joining_to_the_answer(fake_server):
    remote = ServerBackend(ServerOptions(url=fake_server))
    answer = remote.generate(Conversation.start(noise_image(64, 64), prompt_for("text")))
    assert FakeOpenAI.requests[-1]["logprobs"] is True and FakeOpenAI.requests[-1]["top_logprobs"] == 3
    assert answer.text == "Price 5€"
    assert [t.text for t in answer.tokens] == ["Price", " 5", "", "€"]
    assert [t.p for t in answer.tokens] == pytest.approx([math.exp(lp) for _, _, lp, _ in STREAM])
    assert [(a.text, round(a.p, 3)) for a in answer.tokens[1].alternatives] == [
        (" 6", round(math.exp(-1.4), 3)),
        (" S", round(math.exp(-2.0), 3)),
    ]
    assert all(t.id == -1 for t in answer.tokens)
