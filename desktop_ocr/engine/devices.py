"""Choose the device and dtype the model runs with."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .options import Device, DType

if TYPE_CHECKING:
    import torch


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bf16 in hardware (AVX512-BF16, AMX, or Arm's BF16).

    bf16 is ~2× faster than fp32 where it is native, and up to 10× slower where it is
    emulated, so the CPU dtype follows this.
    """
    if sys.platform.startswith("linux"):
        try:
            text = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return False
        flags = set()
        for line in text.splitlines():
            if line.startswith(("flags", "Features")):
                flags.update(line.split(":", 1)[-1].split())
        return bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})
    if sys.platform == "darwin" and platform.machine() == "arm64":
        try:
            result = subprocess.run(
                ["sysctl", "-n", "hw.optional.arm.FEAT_BF16"],
                capture_output=True,
                text=True,
                timeout=2,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        return result.stdout.strip() == "1"
    return False


def resolve_device(requested: Device) -> str:
    """'auto' picks CUDA, then Apple's MPS, then the CPU; an explicit choice is checked."""
    import torch

    from .errors import Hint, ModelLoadError

    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if requested == "cuda" and not cuda:
        raise ModelLoadError("no CUDA GPU is available to this torch build", Hint.CHOOSE_DEVICE)
    if requested == "mps" and not mps:
        raise ModelLoadError("Apple's Metal (MPS) is not available here", Hint.CHOOSE_DEVICE)
    return requested


def resolve_dtype(requested: DType, device: str) -> torch.dtype:
    """'auto': bf16 on CUDA GPUs that support it, fp16 on other GPUs; on CPU bf16 only if native."""
    import torch

    if requested != "auto":
        return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[requested]
    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.bfloat16 if cpu_has_native_bf16() else torch.float32


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")
