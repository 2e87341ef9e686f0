"""Convert a Hugging Face Qwen2-VL folder once into an OpenVINO IR folder in the user's cache.

The IR folder is optimum-intel's export layout, which OpenVINO GenAI's VLMPipeline reads
directly (no torch or transformers at run time). optimum-intel 2.2 refuses to export Qwen2-VL
with transformers above 5.0.0, and the app runs a newer transformers, so the export runs in
a small converter environment of its own: a venv that sees the app's packages (torch, ...)
through a .pth file and shadows only transformers (pinned 5.0.0), optimum-intel and nncf.
Peak memory of the export is about 7× the checkpoint: ~15 GB RSS for the 2B model.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

from .errors import ModelLoadError
from .options import WeightFormat

# Set to a Python executable that can run optimum-intel's exporter (tests, packagers).
CONVERTER_ENV_VAR = "DESKTOP_OCR_OV_CONVERTER"
# What the converter environment installs on top of the app's own packages.
CONVERTER_REQUIREMENTS = (
    "optimum-intel[openvino]==2.2.0",
    "transformers==5.0.0",
    "nncf>=2.14",
)
# Written last into a finished IR folder; a folder without it is an interrupted export.
COMPLETE_MARK = ".desktop-ocr-complete"
# The export needs this much memory per byte of checkpoint (measured: 13.5-17.4 GB for 4.4-4.9 GB bf16).
PEAK_MEMORY_FACTOR = 3.6

ConvertProgress = Callable[[str], None]


def cache_root() -> Path:
    """Where converted models live: the user's cache folder (XDG_CACHE_HOME on Linux)."""
    from platformdirs import user_cache_path

    return user_cache_path("desktop-ocr") / "openvino"


def converted_folder(model_path: Path, weights: WeightFormat) -> Path:
    """The IR folder for this checkpoint and weight format (the path and mtime name the source)."""
    config = model_path / "config.json"
    stamp = f"{model_path.resolve()}:{config.stat().st_mtime_ns if config.exists() else 0}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:12]
    return cache_root() / f"{model_path.name}-{digest}" / weights


def is_converted(folder: Path) -> bool:
    return (folder / COMPLETE_MARK).exists()


def converter_python() -> Path | None:
    """The Python that runs the export: $DESKTOP_OCR_OV_CONVERTER, else the cached converter venv."""
    forced = os.environ.get(CONVERTER_ENV_VAR)
    if forced:
        return Path(forced)
    default = cache_root() / "converter" / "bin" / "python"
    if not default.exists():
        return None
    link_app_packages(default)
    return default


def link_app_packages(python: Path) -> None:
    """Point the converter venv at this app's site-packages (again, if the app's venv moved).

    The venv borrows torch and the rest through a .pth line naming the app's folder; an app
    reinstalled elsewhere would leave it naming a folder that is gone ("No module named ...").
    """
    app_site = sysconfig.get_paths()["purelib"]
    venv_site = next(python.parent.parent.glob("lib/python3*/site-packages"), None)
    if venv_site is None:
        return
    link = venv_site / "desktop_ocr_app.pth"
    with contextlib.suppress(OSError):
        if not link.exists() or link.read_text().strip() != app_site:
            link.write_text(app_site + "\n")


def setup_converter(progress: ConvertProgress | None = None) -> Path:
    """Create the converter venv (once, needs the network: ~150 MB on top of the app's torch)."""
    say = progress or (lambda _line: None)
    venv = cache_root() / "converter"
    python = venv / "bin" / "python"
    say(f"setting up the OpenVINO converter in {venv}")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        # The app's own site-packages come after the venv's: torch is shared, transformers shadowed.
        link_app_packages(python)
        pins = [*CONVERTER_REQUIREMENTS, *_runtime_pins()]
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *pins], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        shutil.rmtree(venv, ignore_errors=True)
        detail = getattr(error, "stderr", b"") or b""
        text = detail.decode(errors="replace").strip().splitlines() if isinstance(detail, bytes) else []
        raise ModelLoadError(f"cannot set up the OpenVINO converter: {text[-1] if text else error}") from None
    return python


def _runtime_pins() -> list[str]:
    """The converter's openvino must match the runtime's, or the IR may not load."""
    from importlib.metadata import PackageNotFoundError, version

    pins = []
    for name in ("openvino", "openvino-tokenizers"):
        with contextlib.suppress(PackageNotFoundError):
            pins.append(f"{name}=={version(name)}")
    return pins


def convert(
    model_path: Path,
    weights: WeightFormat,
    progress: ConvertProgress | None = None,
    python: Path | None = None,
) -> Path:
    """Export `model_path` to OpenVINO IR with `weights`; returns the finished folder.

    Progress lines come from the exporter; the peak memory of the export is reported at the
    end. A failure raises ModelLoadError with one line; nothing half-written is left behind.
    """
    say = progress or (lambda _line: None)
    target = converted_folder(model_path, weights)
    if is_converted(target):
        return target
    python = python or converter_python() or setup_converter(say)
    size = sum(f.stat().st_size for f in model_path.glob("*.safetensors"))
    say(
        f"converting {model_path.name} to OpenVINO {weights} (once; needs about "
        f"{size * PEAK_MEMORY_FACTOR / 1e9:.1f} GB of memory)"
    )
    partial = target.with_name(f"{weights}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(python),
        "-m",
        "optimum.commands.optimum_cli",
        "export",
        "openvino",
        "--model",
        str(model_path),
        "--task",
        "image-text-to-text",
        # Always explicit: optimum silently compresses models over 1 B parameters to int8.
        "--weight-format",
        weights,
        str(partial),
    ]
    started = time.perf_counter()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    tail: list[str] = []
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", env=env
        )
        assert process.stdout is not None
        bars = _ProgressBars()
        for line in process.stdout:
            line = line.strip()
            if line:
                tail = [*tail[-19:], line]
                # skip tracer warnings' source lines and tqdm's redraws
                if not line.startswith(("/", "  ")) and bars.worth_saying(line):
                    say(line[:200])
        code = process.wait()
    except OSError as error:
        raise ModelLoadError(f"cannot run the OpenVINO converter {python}: {error}") from None
    if code != 0 or not (partial / "openvino_language_model.xml").exists():
        shutil.rmtree(partial, ignore_errors=True)
        reason = next(
            (line for line in reversed(tail) if "Error" in line), tail[-1] if tail else f"exit {code}"
        )
        raise ModelLoadError(f"OpenVINO conversion failed: {reason[:300]}")
    (partial / COMPLETE_MARK).write_text(f"{weights} from {model_path}\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    say(f"converted in {time.perf_counter() - started:.0f} s, peak {_children_peak_gb():.1f} GB")
    return target


class _ProgressBars:
    """Lets through one line per tenth of each tqdm bar (the exporter redraws them per item)."""

    BAR = re.compile(r"^(?P<label>[^|]*?):\s+(?P<percent>\d+)%\|")

    def __init__(self) -> None:
        self._said: dict[str, int] = {}

    def worth_saying(self, line: str) -> bool:
        bar = self.BAR.match(line)
        if bar is None:
            return True
        tenth = int(bar["percent"]) // 10
        if self._said.get(bar["label"]) == tenth:
            return False
        self._said[bar["label"]] = tenth
        return True


def _children_peak_gb() -> float:
    """Peak RSS of any finished child process (the exporter), in GB."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024) / 1e9
