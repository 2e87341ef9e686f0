"""HTTP requests that a CancelToken ends at once, even while waiting for the first byte.

Closing a response only helps once its headers came; a server busy with a long prefill (or
one that never answers) keeps the client blocked in `recv` until the read timeout. Shutting
the request's socket down from the cancelling thread wakes that `recv` immediately, and the
server sees the connection close and can stop working on it.

The sockets are learnt from httpcore's `trace` extension (set on each request by an httpx
event hook) and belong to the request running on the thread that opened them. Keep-alive
is off, so that every request opens its own connection and a shutdown never hits another's.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from .backend import CancelToken

_current = threading.local()


class RequestAbort:
    """The sockets of one HTTP exchange; `abort()` (from any thread) shuts them all down."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # abort() may run in a signal handler on the same thread
        self._sockets: list[socket.socket] = []
        self.aborted = False

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.aborted:
                self._sockets.append(sock)
                return
        _shut(sock)

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to wake
        sock.shutdown(socket.SHUT_RDWR)


def _trace(event: str, info: dict[str, Any]) -> None:
    """httpcore's trace callback: remember each socket this thread's request connects."""
    if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
        return
    abort: RequestAbort | None = getattr(_current, "abort", None)
    stream = info.get("return_value")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if abort is not None and isinstance(sock, socket.socket):
        abort.track(sock)


def _with_trace(request: Any) -> None:
    request.extensions["trace"] = _trace


def abortable_http_client(timeout: Any) -> Any:
    """An httpx client for the OpenAI SDK whose requests `abortable` can end."""
    import httpx2
    from openai import DefaultHttpxClient

    return DefaultHttpxClient(
        timeout=timeout,
        limits=httpx2.Limits(max_connections=100, max_keepalive_connections=0),
        event_hooks={"request": [_with_trace]},
    )


@contextlib.contextmanager
def abortable(cancel: CancelToken) -> Iterator[RequestAbort]:
    """Requests made on this thread inside the block end when `cancel` is cancelled."""
    abort = RequestAbort()
    previous = getattr(_current, "abort", None)
    _current.abort = abort
    forget = cancel.on_cancel(abort.abort)
    try:
        yield abort
    finally:
        forget()
        _current.abort = previous
