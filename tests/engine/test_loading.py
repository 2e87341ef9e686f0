"""Finding the model (folder, cache, hub), and choosing its device and dtype."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_ocr.engine import (
    EngineOptions,
    Hint,
    ModelLoadError,
    ModelNotFoundError,
    load_backend,
    locate_model,
)
from desktop_ocr.engine.devices import cpu_has_native_bf16, resolve_device, resolve_dtype
from desktop_ocr.engine.download import _ByteCounter
from desktop_ocr.engine.options import DEFAULT_MODEL, default_model


def test_local_folder_is_used_as_is(tiny_model):
    assert locate_model(str(tiny_model)) == tiny_model


def test_folder_without_config_and_plain_files_are_refused(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"no config\.json"):
        locate_model(str(tmp_path))
    file = tmp_path / "weights.safetensors"
    file.write_bytes(b"x")
    with pytest.raises(ModelNotFoundError, match="is a file"):
        locate_model(str(file))
    with pytest.raises(ModelNotFoundError, match="not a hub id"):
        locate_model(str(tmp_path / "no" / "such" / "folder"))


def test_offline_and_not_cached_says_how_to_use_a_local_folder():
    with pytest.raises(ModelNotFoundError) as caught:
        locate_model("someone/not-downloaded-model")
    message = str(caught.value)
    assert "someone/not-downloaded-model" in message
    assert "\n" not in message
    assert "--" not in message  # no front end's flags in an engine message: the hint says it
    assert caught.value.hint is Hint.CHOOSE_MODEL_FOLDER
    from desktop_ocr.cli.output import error_line

    assert error_line(caught.value).endswith("or pass --model /path/to/a/downloaded/model/folder")


def test_a_model_in_the_hf_cache_is_found_offline(tiny_model, monkeypatch, tmp_path):
    from huggingface_hub import constants

    cache = tmp_path / "hub"
    snapshot = cache / "models--acme--tiny-ocr" / "snapshots" / ("a" * 40)
    shutil.copytree(tiny_model, snapshot)
    (cache / "models--acme--tiny-ocr" / "refs").mkdir()
    (cache / "models--acme--tiny-ocr" / "refs" / "main").write_text("a" * 40)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    assert locate_model("acme/tiny-ocr") == snapshot


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_hub_gives_one_clear_line(tmp_path):
    """A real connection attempt (to a closed local port), through the CLI: no traceback."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "0",
        "TRANSFORMERS_OFFLINE": "0",
        "HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}",
        "HF_HOME": str(tmp_path),
        "HF_HUB_ETAG_TIMEOUT": "2",
        "HF_HUB_DOWNLOAD_TIMEOUT": "2",
    }
    image = tmp_path / "a.png"
    from tests.conftest import noise_image

    noise_image(50, 20).save(image)
    result = subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "--cli", str(image), "--model", "acme/absent-model"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot reach the Hugging Face hub" in lines[0] and "acme/absent-model" in lines[0]


def test_byte_counter_sums_every_files_progress():
    seen: list[tuple[int, int]] = []
    counter = _ByteCounter(1000, lambda done, total: seen.append((done, total)))
    bar_class = counter.tqdm_class()
    first, second = bar_class(total=600), bar_class(total=400)
    first.update(600)
    second.update(150)
    second.update(250)
    assert seen[0] == (0, 1000)
    assert seen[-1] == (1000, 1000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_unloadable_folder_is_a_model_load_error(tiny_model, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelLoadError) as caught:
        load_backend(EngineOptions(model=str(broken), device="cpu", dtype="float32"))
    assert "\n" not in str(caught.value)


def test_pickled_weights_are_never_loaded(tiny_model, tmp_path):
    import torch
    from safetensors.torch import load_file

    pickled = tmp_path / "pickled"
    shutil.copytree(tiny_model, pickled)
    state = load_file(pickled / "model.safetensors")
    (pickled / "model.safetensors").unlink()
    torch.save(state, pickled / "pytorch_model.bin")
    with pytest.raises(ModelLoadError):
        load_backend(EngineOptions(model=str(pickled), device="cpu", dtype="float32"))


def test_model_override_by_environment(monkeypatch):
    monkeypatch.delenv("DESKTOP_OCR_MODEL", raising=False)
    assert default_model() == DEFAULT_MODEL
    monkeypatch.setenv("DESKTOP_OCR_MODEL", "/models/ocr")
    assert default_model() == "/models/ocr"
    assert EngineOptions().model == "/models/ocr"


def test_device_and_dtype_choice_on_this_cpu():
    import torch

    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == "cpu"
    expected = torch.bfloat16 if cpu_has_native_bf16() else torch.float32
    assert resolve_dtype("auto", "cpu") == expected
    assert resolve_dtype("float16", "cpu") == torch.float16


def test_native_bf16_is_read_from_cpu_flags():
    if not Path("/proc/cpuinfo").exists():
        pytest.skip("reads Linux's /proc/cpuinfo")
    flags = Path("/proc/cpuinfo").read_text()
    assert cpu_has_native_bf16() == ("avx512_bf16" in flags or "amx_bf16" in flags or " bf16" in flags)


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="checks the no-GPU message")
def test_cuda_requested_without_a_gpu_is_a_clear_error():
    with pytest.raises(ModelLoadError, match="no CUDA GPU"):
        resolve_device("cuda")
