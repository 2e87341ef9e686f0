"""Pick the backend: the local model, or an OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Callable

from .backend import Backend
from .download import DownloadProgress
from .options import EngineOptions
from .server import ServerOptions


def create_backend(
    options: EngineOptions,
    server: ServerOptions | None = None,
    download_progress: DownloadProgress | None = None,
    status: Callable[[str], None] | None = None,
) -> Backend:
    """A ServerBackend when a server URL is given, else the local transformers backend."""
    if server is not None:
        from .server import ServerBackend

        return ServerBackend(server)
    from .local import load_backend, quiet_libraries

    quiet_libraries()
    return load_backend(options, download_progress, status)
