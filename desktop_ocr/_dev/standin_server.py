"""A stand-in model server for the README's screenshots: OpenAI-compatible, with prepared answers.

No model can be downloaded where the screenshots are made, so this server answers
/v1/chat/completions with prepared text instead of a model's. It picks the answer by the
picture it is sent: the prepared picture nearest to it, compared as small grey thumbnails (so
the app's resizing to its pixel budget does not matter, nor the order of the requests). The
answer is streamed a token a chunk with `logprobs` and `top_logprobs`, shaped as vLLM and
llama.cpp send them, so the app's uncertain-token marks come through its real server path.

    with StandinServer([Prepared(picture, "answer", {"word": (0.3, "ward")})]) as server:
        server.url  # http://127.0.0.1:PORT/v1, for `desktop-ocr --server`
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

MODEL_ID = "stand-in-prepared-answers"
THUMB = (24, 24)
CONFIDENT = 0.985  # a token the stand-in is sure of (over the app's mark threshold by far)
TOKEN_DELAY_S = 0.015  # between chunks, so that the window streams as it does from a real server


def thumbnail(picture: Image.Image) -> bytes:
    """A picture as a small grey thumbnail: what requests are compared by."""
    return picture.convert("L").resize(THUMB, Image.Resampling.BILINEAR).tobytes()


@dataclass
class Prepared:
    """A picture and the answer the stand-in gives for it.

    `uncertain` maps a piece of the answer to its probability and the runner-up the "model"
    nearly wrote instead; every other token gets CONFIDENT.
    """

    picture: Image.Image
    answer: str
    uncertain: dict[str, tuple[float, str]] = field(default_factory=dict)
    _thumb: bytes = b""

    def distance(self, thumb: bytes) -> int:
        if not self._thumb:
            self._thumb = thumbnail(self.picture)
        return sum(abs(a - b) for a, b in zip(self._thumb, thumb, strict=True))


def tokens(prepared: Prepared) -> list[tuple[str, float, str]]:
    """The answer in word-sized tokens (text, p, runner-up) that join to it exactly."""
    pieces = sorted(prepared.uncertain, key=len, reverse=True)
    splitter = "|".join([*map(re.escape, pieces), r"\s+", r"\w+", r"[^\w\s]"])
    found = []
    for piece in (p for p in re.split(f"({splitter})", prepared.answer) if p):
        p, instead = prepared.uncertain.get(piece, (CONFIDENT, piece.swapcase() if piece.strip() else " "))
        found.append((piece, p, instead))
    assert "".join(text for text, _, _ in found) == prepared.answer
    return found


def _logprobs(text: str, p: float, instead: str) -> dict[str, Any]:
    runner_up = max(min(1 - p - 0.05, p * 0.9), 0.001)  # under p: the stand-in wrote its likeliest
    entry = {
        "token": text,
        "logprob": math.log(p),
        "bytes": list(text.encode()),
        "top_logprobs": [
            {"token": text, "logprob": math.log(p), "bytes": list(text.encode())},
            {"token": instead, "logprob": math.log(runner_up), "bytes": list(instead.encode())},
        ],
    }
    return {"content": [entry]}


def _chunk(text: str | None, finish: str | None = None, logprobs: Any = None) -> bytes:
    choice = {"index": 0, "delta": {"content": text} if text else {}, "logprobs": logprobs,
              "finish_reason": finish}  # fmt: skip
    body = {"id": "standin", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": MODEL_ID, "choices": [choice]}  # fmt: skip
    return f"data: {json.dumps(body)}\n\n".encode()


def _picture_of(body: dict[str, Any]) -> Image.Image | None:
    """The last image in the request's messages (a data: URL, as the app sends it)."""
    found = None
    for message in body.get("messages", []):
        content = message.get("content")
        for part in content if isinstance(content, list) else []:
            url = (part.get("image_url") or {}).get("url", "") if isinstance(part, dict) else ""
            if url.startswith("data:"):
                found = url.split(",", 1)[1]
    return Image.open(io.BytesIO(base64.b64decode(found))) if found else None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # a stream ends when the connection closes, as many servers do
    server: StandinServer

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]})
        else:
            self._json(404, {"error": {"message": f"no such path: {self.path}"}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        picture = _picture_of(body) if self.path.rstrip("/").endswith("/chat/completions") else None
        if picture is None:
            self._json(400, {"error": {"message": "the stand-in answers chat requests with an image only"}})
            return
        thumb = thumbnail(picture)
        prepared = min(self.server.prepared, key=lambda candidate: candidate.distance(thumb))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            for text, p, instead in tokens(prepared):
                logprobs = _logprobs(text, p, instead) if body.get("logprobs") else None
                self.wfile.write(_chunk(text, logprobs=logprobs))
                self.wfile.flush()
                time.sleep(TOKEN_DELAY_S)  # a decode step's time: the stream, not a wait on anything
            self.wfile.write(_chunk(None, "stop") + b"data: [DONE]\n\n")
        except OSError:  # the app stopped the answer and went away
            return
        with self.server.answered:
            self.server.answers += 1
            self.server.answered.notify_all()

    def _json(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class StandinServer(ThreadingHTTPServer):
    """Serves the prepared answers on 127.0.0.1 (a free port) from a thread, while in `with`."""

    daemon_threads = True

    def __init__(self, prepared: list[Prepared]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.prepared = prepared
        self.answers = 0  # answers streamed to the end
        self.answered = threading.Condition()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> StandinServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shutdown()
        self.server_close()
