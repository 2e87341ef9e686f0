"""Pick the backend: an OpenAI-compatible server, OpenVINO on a CPU, or transformers."""

from __future__ import annotations

from collections.abc import Callable

from .backend import Backend
from .download import DownloadProgress
from .errors import EngineError
from .options import EngineOptions
from .server import ServerOptions


def create_backend(
    options: EngineOptions,
    server: ServerOptions | None = None,
    download_progress: DownloadProgress | None = None,
    status: Callable[[str], None] | None = None,
) -> Backend:
    """A ServerBackend when a server URL is given, else the local backend `options.backend` names.

    `auto` picks OpenVINO only when the model would run on the CPU, the OpenVINO runtime is
    installed, and the model is converted already; if that load fails, it says so in one
    line and falls back to transformers.
    """
    say = status or (lambda _message: None)
    if server is not None or options.backend == "server":
        if server is None:
            raise EngineError("--backend server needs --server URL")
        from .server import ServerBackend

        return ServerBackend(server)
    wanted = options.backend == "openvino"
    if wanted or (options.backend == "auto" and _openvino_fits(options, download_progress)):
        from .openvino_backend import load_openvino_backend

        try:
            return load_openvino_backend(options, download_progress, say)
        except EngineError as error:
            if wanted:
                raise
            say(f"{error}; using transformers instead")
    from .local import load_backend, quiet_libraries

    quiet_libraries()
    return load_backend(options, download_progress, say)


def _openvino_fits(options: EngineOptions, download_progress: DownloadProgress | None) -> bool:
    """`auto`'s rule for OpenVINO: a CPU run, the runtime installed, the model converted."""
    from .openvino_backend import can_run, openvino_available

    if options.device not in ("auto", "cpu") or not openvino_available():
        return False
    from .devices import resolve_device
    from .download import locate_model

    if resolve_device(options.device) != "cpu":
        return False
    try:
        path = locate_model(options.model, download_progress)
    except EngineError:
        return False
    return can_run(path, options)
