"""Keep Triton out of the process where loading it would crash it, or where it cannot help.

Triton's `libtriton.so` carries its own LLVM and exports its symbols. A desktop's Mesa
graphics driver opens its LLVM (`libLLVM-15.so` and the like) with RTLD_GLOBAL, which Qt
and GTK bring in when they touch OpenGL. Imported after that, `libtriton.so` binds part of
its LLVM calls to Mesa's copy, and the process dies in a segfault while the library
initialises. torch imports Triton on its own (torchvision's operators import
`torch._dynamo`, which checks for it), so loading a model on the engine thread crashed the
window whenever the GUI thread had loaded Mesa first: a race, seen in about one start of four
under the GTK theme.

Triton only compiles kernels for GPUs; on a CPU, torch.compile writes C++. So a process on a
machine without an NVIDIA or ROCm GPU holds Triton back from its start, and a model loaded on
a CPU holds it back too. On a GPU it is imported as the model loads, unless an LLVM is already
in the process: then compiled decoding is turned off instead of crashing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MAPS = Path("/proc/self/maps")


def foreign_llvm_loaded() -> bool:
    """Whether a shared LLVM library (e.g. Mesa's) is mapped into this process (Linux)."""
    try:
        text = MAPS.read_text(errors="replace")
    except OSError:
        return False
    return any("/libLLVM" in line for line in text.splitlines())


def gpu_for_triton() -> bool:
    """Whether this machine has a GPU Triton could compile for (NVIDIA's driver, or ROCm's)."""
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/kfd").exists()


def settle_triton_for_process() -> None:
    """At a process's start: without a GPU for it, Triton is held back before anything loads."""
    if "triton" not in sys.modules and not gpu_for_triton():
        _hold_back()


def _hold_back() -> None:
    # A None entry makes `import triton` raise ImportError, which torch and transformers read
    # as "Triton is not installed" (importlib.util.find_spec returns None for it too).
    sys.modules["triton"] = None  # type: ignore[assignment]


def settle_triton(device: str) -> bool:
    """Decide once, before torch can import Triton, whether it may; return whether it is usable.

    Call it before loading a model (the loaders import torchvision, which imports Triton).
    """
    if "triton" in sys.modules:
        return sys.modules["triton"] is not None
    if device != "cuda":
        _hold_back()
        return False
    if importlib.util.find_spec("triton") is None:
        return False
    if foreign_llvm_loaded():
        _hold_back()
        return False
    import triton  # noqa: F401 - loaded now, before the GUI thread can bring Mesa's LLVM in

    return True


def why_no_triton() -> str:
    """One line on why Triton is not in this process (for the loader's status)."""
    if foreign_llvm_loaded():
        return "the graphics driver's LLVM is loaded, and Triton's beside it would crash the app"
    return "Triton is not installed"
