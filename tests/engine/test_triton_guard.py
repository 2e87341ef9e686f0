"""Loading a model must not crash a process where a graphics driver's LLVM is already loaded.

Mesa opens its LLVM with RTLD_GLOBAL; Triton's own LLVM, imported after it, crashes the
process (a segfault while libtriton.so initialises). torchvision imports Triton through
torch._dynamo, and the window loads the model after the GUI may have loaded Mesa. Each check
runs in a fresh interpreter: the crash, and the guard, are per process.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def mesa_llvm() -> str:
    """A shared LLVM as Mesa's DRI drivers bring it (libgl1-mesa-dri depends on one)."""
    found = sorted(glob.glob("/usr/lib/*/libLLVM*.so*") + glob.glob("/usr/lib/llvm-*/lib/libLLVM*.so*"))
    if not found:
        pytest.skip("no shared LLVM library here: the crash needs one in the process")
    return found[0]


def run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PYTHONFAULTHANDLER": "1"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)


PRELUDE = """
import ctypes, os, sys
ctypes.CDLL({llvm!r}, mode=os.RTLD_GLOBAL)  # what Mesa's driver loader does in a GUI process
"""


def test_loading_a_model_after_mesas_llvm_does_not_crash(tiny_model: Path) -> None:
    code = (
        PRELUDE.format(llvm=mesa_llvm())
        + f"""
from PIL import Image
from desktop_ocr.engine import EngineOptions, load_backend
from desktop_ocr.engine.conversation import Conversation
backend = load_backend(EngineOptions(model={str(tiny_model)!r}, device="cpu", dtype="float32"))
import torchvision.ops  # the import that brought Triton in
conversation = Conversation.start(Image.new("RGB", (56, 56), "white"), "Read the text.")
answer = backend.generate(conversation, max_new_tokens=2)
print("answered", answer.stats.new_tokens > 0)
"""
    )
    result = run(code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "answered True" in result.stdout


def test_triton_is_held_back_on_a_cpu_and_beside_a_foreign_llvm_on_cuda() -> None:
    code = (
        PRELUDE.format(llvm=mesa_llvm())
        + """
from desktop_ocr.engine.triton_guard import foreign_llvm_loaded, settle_triton, why_no_triton
print("llvm", foreign_llvm_loaded())
print("cuda", settle_triton("cuda"))
print("held", sys.modules["triton"] is None)
print("why", why_no_triton())
import torch._dynamo  # reads Triton as absent instead of loading it
from torch.utils._triton import has_triton_package
print("torch sees", has_triton_package())
"""
    )
    result = run(code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == [
        "llvm True",
        "cuda False",
        "held True",
        "why the graphics driver's LLVM is loaded, and Triton's beside it would crash the app",
        "torch sees False",
    ]


def test_without_a_foreign_llvm_a_cpu_still_holds_triton_back() -> None:
    result = run(
        "import sys\n"
        "from desktop_ocr.engine.triton_guard import foreign_llvm_loaded, settle_triton\n"
        "print(foreign_llvm_loaded(), settle_triton('cpu'), sys.modules['triton'] is None)\n"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["False", "False", "True"]


def test_the_app_started_beside_mesas_llvm_reads_an_image_through_a_server(tmp_path: Path) -> None:
    """The entry point holds Triton back on a machine without a GPU: the server path's image
    preparation imports torchvision too, with no model loaded in the process."""
    from desktop_ocr.engine.triton_guard import gpu_for_triton

    if gpu_for_triton():
        pytest.skip("this machine has a GPU: Triton is wanted here, and loaded with the model")
    picture = tmp_path / "line.png"
    from PIL import Image

    Image.new("RGB", (120, 40), "white").save(picture)
    code = (
        PRELUDE.format(llvm=mesa_llvm())
        + f"""
from PIL import Image
from desktop_ocr._dev.standin_server import Prepared, StandinServer
with StandinServer([Prepared(Image.open({str(picture)!r}), "a prepared line")]) as server:
    sys.argv = ["desktop-ocr", "--cli", "--server", server.url, {str(picture)!r}]
    from desktop_ocr.cli import entry_point
    try:
        entry_point()
    except SystemExit as end:
        print("exit", end.code)
"""
    )
    result = run(code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "a prepared line" in result.stdout
    assert result.stdout.strip().endswith("exit 0")
