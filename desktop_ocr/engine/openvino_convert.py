"""Convert a Hugging Face Qwen2-VL folder once into an OpenVINO IR folder in the user's cache.

The IR folder is optimum-intel's export layout, which OpenVINO GenAI's VLMPipeline reads
directly (no torch or transformers at run time). optimum-intel 2.2 refuses to export Qwen2-VL
with transformers above 5.0.0, and the app runs a newer transformers, so the export runs in
a converter environment of its own: a venv with its own pinned packages (torch included),
borrowing nothing from the app's install. Its folder is named by a hash of those pins and the
Python version, so two installs of the app (or two versions of it) each find a converter that
matches them and never rewrite one another's.
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
# What the converter environment installs (with the app's own openvino pins, see _runtime_pins).
CONVERTER_REQUIREMENTS = (
    "optimum-intel[openvino]==2.2.0",
    "optimum==2.3.0",
    "transformers==5.0.0",
    "nncf==3.4.0",
    # The export traces the model with torch. torchvision (optimum-intel requires it) must be
    # built for the same torch: a +cpu torch with PyPI's torchvision fails to import.
    "torch==2.14.1",
    "torchvision==0.29.1",
)
# Written last into a finished converter venv: one without it was interrupted.
CONVERTER_COMPLETE = ".desktop-ocr-converter-complete"
# What a converter's Python must import to run the export.
CONVERTER_MODULES = ("optimum.intel", "transformers", "torch", "nncf", "openvino", "packaging")
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


def converter_pins() -> list[str]:
    return [*CONVERTER_REQUIREMENTS, *_runtime_pins()]


def converter_dir() -> Path:
    """This app's converter venv: named by its pins and the Python it is built with (beside the
    converted models, in the user's cache folder)."""
    stamp = "\n".join([*converter_pins(), sys.implementation.cache_tag, sysconfig.get_platform()])
    return cache_root().parent / "openvino-converter" / hashlib.sha256(stamp.encode()).hexdigest()[:16]


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def converter_python(progress: ConvertProgress | None = None) -> Path | None:
    """The Python that runs the export: $DESKTOP_OCR_OV_CONVERTER when it can, else this app's
    converter venv when it is set up (None when not: see setup_converter).

    A variable naming a Python that is gone or cannot export is said in one line to `progress`.
    """
    forced = os.environ.get(CONVERTER_ENV_VAR)
    if forced:
        problem = _unusable(Path(forced))
        if not problem:
            return Path(forced)
        if progress is not None:
            progress(f"{CONVERTER_ENV_VAR}={forced} {problem}: using the converter in {converter_dir()}")
    venv = converter_dir()
    python = _venv_python(venv)
    return python if (venv / CONVERTER_COMPLETE).exists() and python.exists() else None


_checked: dict[Path, str] = {}


def _unusable(python: Path) -> str:
    """Why `python` cannot run the export ('' when it can); asked once per process."""
    if python not in _checked:
        if not python.exists():
            _checked[python] = "does not exist"
        else:
            probe = (
                "import importlib.util, sys; "
                f"missing = [m for m in {CONVERTER_MODULES!r} if importlib.util.find_spec(m) is None]; "
                "sys.exit('missing ' + ', '.join(missing) if missing else 0)"
            )
            try:
                ran = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=120)
            except (OSError, subprocess.TimeoutExpired) as error:
                _checked[python] = f"cannot run ({error})"
            else:
                lines = ran.stderr.strip().splitlines()
                _checked[python] = (
                    "" if ran.returncode == 0 else f"cannot export ({lines[-1] if lines else ran.returncode})"
                )
    return _checked[python]


def setup_converter(progress: ConvertProgress | None = None) -> Path:
    """Create this app's converter venv (once; needs the network: about 6 GB, torch with its CUDA libraries).

    Built in a folder of its own and renamed into place when complete, so an interrupted or
    concurrent setup never leaves a half-made converter where one is looked for.
    """
    say = progress or (lambda _line: None)
    venv = converter_dir()
    python = _venv_python(venv)
    if (venv / CONVERTER_COMPLETE).exists() and python.exists():
        return python
    building = venv.with_name(f"{venv.name}.partial-{os.getpid()}")
    say(f"setting up the OpenVINO converter in {venv} (once; about 6 GB: torch with its CUDA libraries)")
    pins = converter_pins()
    try:
        shutil.rmtree(building, ignore_errors=True)
        building.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(building)], check=True, capture_output=True)
        subprocess.run(
            [str(_venv_python(building)), "-m", "pip", "install", "--quiet", *pins],
            check=True,
            capture_output=True,
        )
        (building / CONVERTER_COMPLETE).write_text("\n".join(pins) + "\n")
        if venv.exists() and not (venv / CONVERTER_COMPLETE).exists():
            shutil.rmtree(venv)  # a venv of an earlier, broken setup
        with contextlib.suppress(OSError):  # another setup finished first: keep that one
            building.rename(venv)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        text = detail.decode(errors="replace").strip().splitlines() if isinstance(detail, bytes) else []
        raise ModelLoadError(f"cannot set up the OpenVINO converter: {text[-1] if text else error}") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _checked.pop(python, None)
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
    python = python or converter_python(say) or setup_converter(say)
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
