"""An OpenAI-compatible server that misbehaves on purpose, one way per URL: http://HOST:PORT/MODE/v1.

Modes:
  ok                 a well-formed two-token answer (the control case)
  never              reads the request, then sends nothing until the client goes away
  close-eof          streams two pieces, then closes without finish_reason or [DONE]
  html-200           answers 200 with an HTML page
  not-sse            answers 200 with a plain (non-streamed) JSON completion
  bad-logprobs       a complete answer whose logprobs entries are malformed
  ignore-max-tokens  streams tokens without end, whatever max_tokens says, until the client leaves
  escape-codes       a complete answer full of terminal escape sequences and control characters

Threads only; tests wait on its events (`requested`, `disconnected`), never on sleeps.
Run as a script (`python hostile_server.py PORTFILE`) it serves until killed.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = (
    "ok",
    "never",
    "close-eof",
    "html-200",
    "not-sse",
    "bad-logprobs",
    "ignore-max-tokens",
    "escape-codes",
)
ESCAPES = "A\x1b]0;pwned\x07B\x1b[2J\x1b[31mC\x9b31mD\x07\x08\rE\x00F\x7f"
ESCAPES_SHOWN = "A]0;pwnedB[2J[31mC31mDEF"  # what a terminal may see of ESCAPES


def _chunk(text: str | None, finish: str | None = None, logprobs: Any = None) -> bytes:
    choice = {
        "index": 0,
        "delta": {"content": text} if text else {},
        "logprobs": logprobs,
        "finish_reason": finish,
    }
    body = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "x", "choices": [choice]}
    return f"data: {json.dumps(body)}\n\n".encode()


class HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes, as many servers do
    server: HostileServer

    def log_message(self, *_args: Any) -> None:
        pass

    @property
    def mode(self) -> str:
        return self.path.strip("/").split("/")[0]

    def do_GET(self) -> None:
        if self.mode == "never":
            self._hang()
            return
        self._send(
            200, "application/json", json.dumps({"object": "list", "data": [{"id": "x", "object": "model"}]})
        )

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        with self.server.arrived:
            self.server.bodies.append(body)
            self.server.arrived.notify_all()
        self.server.requested.set()
        mode = self.mode
        if mode == "never":
            self._hang()
        elif mode == "html-200":
            self._send(
                200, "text/html", "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>"
            )
        elif mode == "not-sse":
            answer = {
                "id": "x",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "hello"},
                        "finish_reason": "stop",
                    }
                ],
            }
            self._send(200, "application/json", json.dumps(answer))
        else:
            self._stream(mode)

    def _stream(self, mode: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            if mode == "close-eof":
                self.wfile.write(_chunk("Partial ") + _chunk("answer"))
            elif mode == "ignore-max-tokens":
                piece = "x" * 1000
                while not self.server.stopping.is_set():
                    self.wfile.write(_chunk(piece))
            elif mode == "bad-logprobs":
                bad = {"content": [{"token": "hi", "logprob": "very likely", "bytes": "not-a-list"}]}
                self.wfile.write(_chunk("hi", logprobs=bad) + _chunk(None, "stop") + b"data: [DONE]\n\n")
            elif mode == "escape-codes":
                self.wfile.write(_chunk(ESCAPES) + _chunk(None, "stop") + b"data: [DONE]\n\n")
            else:
                self.wfile.write(
                    _chunk("Hello") + _chunk(" world") + _chunk(None, "stop") + b"data: [DONE]\n\n"
                )
        except OSError:  # the client left: what a cancel or a client-side limit does
            self.server.disconnected.set()

    def _send(self, status: int, kind: str, text: str) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _hang(self) -> None:
        """Send nothing; return when the client closes its side (or the server stops)."""
        self.server.connections.append(self.connection)
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass
        if not self.server.stopping.is_set():
            self.server.disconnected.set()


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.requested = threading.Event()  # a chat request arrived
        self.disconnected = threading.Event()  # a client went away before its answer ended
        self.stopping = threading.Event()
        self.connections: list[socket.socket] = []
        self.bodies: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def wait_requests(self, count: int, timeout: float) -> bool:
        """Whether `count` chat requests have arrived (waiting up to `timeout` seconds for them)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout)

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/v1"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping.set()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.shutdown()
        self.server_close()


if __name__ == "__main__":
    with HostileServer() as hostile:
        with open(sys.argv[1], "w") as port_file:
            port_file.write(str(hostile.server_address[1]))
        threading.Event().wait()
