"""Pick the backend: an OpenAI-compatible server, OpenVINO on a CPU, or transformers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .backend import Backend
from .download import DownloadProgress
from .errors import EngineError, Hint
from .options import EngineOptions
from .server import ServerOptions


def create_backend(
    options: EngineOptions,
    server: ServerOptions | None = None,
    download_progress: DownloadProgress | None = None,
    status: Callable[[str], None] | None = None,
) -> Backend:
    """A ServerBackend when a server URL is given, else the local backend `options.backend` names.

    `auto` picks OpenVINO when the model would run on the CPU and the OpenVINO runtime is
    installed, and the model is converted or can be converted here now (see auto_choice); if
    that fails, it says so in one line and falls back to transformers.
    """
    say = status or (lambda _message: None)
    if server is not None or options.backend == "server":
        if server is None:
            raise EngineError("the server backend needs a server URL", Hint.GIVE_SERVER_URL)
        from .server import ServerBackend

        return ServerBackend(server)
    wanted = options.backend == "openvino"
    if wanted or (options.backend == "auto" and _openvino_fits(options, download_progress, say)):
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


def _openvino_fits(
    options: EngineOptions, download_progress: DownloadProgress | None, say: Callable[[str], None]
) -> bool:
    """`auto`'s rule for OpenVINO: a CPU run, then auto_choice."""
    from .openvino_backend import openvino_available

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
    from .families import profile_for_folder

    try:
        profile = profile_for_folder(path, options.model)
    except EngineError:
        return False  # the transformers loader says what is wrong, in one line
    if not profile.openvino:
        say(f"{profile.name} runs with transformers: {profile.why_not_openvino}")
        return False
    choice = auto_choice(path, options, memory_available())
    if choice.reason:
        say(choice.reason)
    return choice.openvino


# A conversion costs minutes and ~3.6× the checkpoint in memory, once; it pays back where a
# CPU decode is slow (the 2B model: see README "Speed"). Small checkpoints decode fast with
# transformers already, and are not worth a conversion.
AUTO_CONVERT_MIN_BYTES = 1_000_000_000


@dataclass(frozen=True)
class AutoChoice:
    """What `auto` runs on this machine, and the one line that says why (empty: nothing to say)."""

    openvino: bool
    reason: str = ""


def auto_choice(model_path: Path, options: EngineOptions, memory_available: int | None) -> AutoChoice:
    """`auto`'s rule on a CPU: OpenVINO when converted, or when a conversion can run here now."""
    from .openvino_backend import openvino_available
    from .openvino_convert import PEAK_MEMORY_FACTOR, converted_folder, converter_python, is_converted

    if not openvino_available():
        return AutoChoice(False)
    if is_converted(converted_folder(model_path, options.weights)):
        return AutoChoice(True)
    size = sum(f.stat().st_size for f in model_path.glob("*.safetensors"))
    if size < AUTO_CONVERT_MIN_BYTES:
        return AutoChoice(False)
    if converter_python() is None:
        return AutoChoice(
            False,
            "for the faster OpenVINO runtime choose the OpenVINO backend once (it sets up its converter): "
            "using transformers",
        )
    needed = size * PEAK_MEMORY_FACTOR
    if memory_available is None or memory_available < needed:
        free = "unknown" if memory_available is None else f"{memory_available / 1e9:.1f} GB"
        return AutoChoice(
            False,
            f"converting to OpenVINO needs ~{needed / 1e9:.0f} GB of free memory ({free} free): "
            "using transformers",
        )
    return AutoChoice(True, f"converting to OpenVINO {options.weights} once, for a faster CPU decode")


def memory_available() -> int | None:
    """Bytes of memory free for a new process (Linux MemAvailable), else the physical total, or None."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    with contextlib.suppress(AttributeError, ValueError, OSError):
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return None
