"""The OpenVINO backend on the tiny model: conversion, streaming, cancel, and agreement with
transformers fp32 (fp16 weights must give the same greedy tokens).

Every comparison runs OpenVINO with dtype float32 (inference precision pinned to f32): left
alone, the CPU plugin computes in bf16 on CPUs with native bf16, and the answers differ there.

Conversion needs optimum-intel's exporter, which runs in its own environment (see
engine/openvino_convert.py): `make openvino-converter` sets it up, or point
$DESKTOP_OCR_OV_CONVERTER at a Python that has optimum-intel; without either, or without the
`openvino` extra, these tests skip.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_ocr.engine import CancelToken, Conversation, EngineOptions, StopReason, prompt_for
from desktop_ocr.engine import openvino_backend as ov_module
from tests.conftest import noise_image
from tests.engine.generation_spy import spy_on_generate

pytest.importorskip("openvino_genai", reason='the "openvino" extra is not installed')

AGREEMENT_TOKENS = 16


@pytest.fixture(scope="module")
def ov_fp16(tiny_model: Path, ov_cache):
    lines: list[str] = []
    backend = ov_module.OpenVINOBackend(
        EngineOptions(model=str(tiny_model), device="cpu", dtype="float32", weights="fp16"),
        convert_progress=lines.append,
    )
    backend.conversion_lines = lines
    return backend


def test_float32_pins_the_cpu_plugins_precision_and_auto_leaves_it():
    """What VLMPipeline gets, checked on a one-layer model compiled by the same CPU plugin
    (bf16 is not asserted: where a CPU cannot compute it the plugin falls back to f32)."""
    import numpy as np
    import openvino
    from openvino import opset13

    param = opset13.parameter([1, 8], np.float32)
    model = openvino.Model(
        [opset13.matmul(param, opset13.constant(np.eye(8, dtype=np.float32)), False, False)], [param]
    )
    core = openvino.Core()

    def compiled_precision(dtype: str) -> str:
        compiled = core.compile_model(model, "CPU", ov_module.compute_precision(dtype))  # type: ignore[arg-type]
        return str(compiled.get_property("INFERENCE_PRECISION_HINT"))

    assert compiled_precision("float32") == str(openvino.Type.f32)
    assert compiled_precision("auto") == str(core.get_property("CPU", "INFERENCE_PRECISION_HINT"))
    assert ov_module.compute_precision("auto") == {}


def test_conversion_lands_in_the_cache_once_and_reports_progress(ov_fp16, tiny_model):
    from desktop_ocr.engine.openvino_convert import COMPLETE_MARK, cache_root, convert

    assert ov_fp16.folder.is_relative_to(cache_root())
    assert (ov_fp16.folder / COMPLETE_MARK).exists()
    assert any("needs about" in line for line in ov_fp16.conversion_lines)
    assert any(line.startswith("converted in") and "peak" in line for line in ov_fp16.conversion_lines)
    again: list[str] = []
    assert convert(tiny_model, "fp16", again.append) == ov_fp16.folder
    assert again == []  # already converted: no second export


def test_fp16_gives_the_same_greedy_tokens_as_transformers_fp32(ov_fp16, backend):
    """Identical, not close, on these four images: fp16 weights are computed in fp32 on the CPU.

    Not on every image: bench/speed.py's 1000×200 noise image diverged after 9 characters on
    this tiny model, as did an fp32 export and optimum-intel's runtime with the transformers
    preprocessing: OpenVINO's arithmetic flips a near-tie of the random weights there. The
    real-size model gave 16/16 in every case measured.
    """
    for seed in range(4):
        image = noise_image(300 + 40 * seed, 60 + 30 * seed, seed=seed)
        ref = backend.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=AGREEMENT_TOKENS)
        got = ov_fp16.generate(Conversation.start(image, prompt_for("text")), max_new_tokens=AGREEMENT_TOKENS)
        assert got.stats.prompt_tokens == ref.stats.prompt_tokens
        assert got.text == ref.text, f"seed {seed}"


def test_different_images_give_different_answers(ov_fp16):
    conversations = [Conversation.start(noise_image(300, 60, seed=s), prompt_for("text")) for s in range(3)]
    answers = {ov_fp16.generate(c, max_new_tokens=8).text for c in conversations}
    assert len(answers) == 3


def test_an_image_after_another_of_its_size_gets_its_own_answer(ov_fp16):
    """GenAI's prefix cache is on by default and every image of one size has the same placeholder
    tokens: the cache must key on the image too, or a snip would be read with the previous one's
    prefill. A second pipeline on the same IR that never saw the first image is the reference."""
    first, second = (noise_image(300, 60, seed=seed) for seed in (21, 22))
    fresh = ov_module.OpenVINOBackend(ov_fp16.options, folder=ov_fp16.folder)
    expected = fresh.generate(Conversation.start(second, prompt_for("text")), max_new_tokens=8).text
    before = ov_fp16.generate(Conversation.start(first, prompt_for("text")), max_new_tokens=8).text
    got = ov_fp16.generate(Conversation.start(second, prompt_for("text")), max_new_tokens=8).text
    assert before != expected
    assert got == expected


def test_streams_chunks_that_join_to_the_answer_and_fills_stats(ov_fp16):
    chunks: list[str] = []
    conversation = Conversation.start(noise_image(320, 96, seed=7), prompt_for("text"))
    answer = ov_fp16.generate(conversation, chunks.append, max_new_tokens=48)
    assert len(chunks) >= 4
    assert "".join(chunks) == answer.text
    assert conversation.turns[0].answer == answer.text
    stats = answer.stats
    assert stats.new_tokens == 48 and stats.stop_reason is StopReason.MAX_TOKENS
    assert stats.visual_tokens > 0 and stats.prompt_tokens > stats.visual_tokens
    assert stats.time_to_first_token is not None and stats.total_time >= stats.time_to_first_token


def test_follow_up_question_sees_the_conversation(ov_fp16, backend):
    image = noise_image(300, 60, seed=3)
    answers = []
    for engine in (backend, ov_fp16):
        conversation = Conversation.start(image, prompt_for("text"))
        engine.generate(conversation, max_new_tokens=8)
        conversation.ask("Only the first word?")
        answers.append(engine.generate(conversation, max_new_tokens=8))
    assert answers[1].stats.prompt_tokens == answers[0].stats.prompt_tokens
    assert answers[1].text == answers[0].text


def test_cancel_mid_answer_stops_at_the_next_token_and_records_nothing(ov_fp16):
    token = CancelToken()
    chunks: list[str] = []

    def on_chunk(text: str) -> None:
        chunks.append(text)
        if len(chunks) == 3:
            token.cancel()

    conversation = Conversation.start(noise_image(320, 96, seed=7), prompt_for("text"))
    answer = ov_fp16.generate(conversation, on_chunk, token, max_new_tokens=48)
    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert answer.stats.new_tokens < 48
    assert conversation.turns[0].answer is None
    assert ov_fp16.generate(conversation, max_new_tokens=4).stats.new_tokens == 4  # still usable


def test_cancel_before_start_skips_the_prefill(ov_fp16):
    token = CancelToken()
    token.cancel()
    answer = ov_fp16.generate(Conversation.start(noise_image(448, 448), prompt_for("text")), cancel=token)
    assert answer.stats.stop_reason is StopReason.CANCELLED
    assert answer.text == "" and answer.stats.new_tokens == 0


def test_repetition_guard_stops_and_says_so(ov_fp16, monkeypatch):
    monkeypatch.setattr(ov_module, "is_runaway", lambda tokens: len(tokens) >= 5)
    answer = ov_fp16.generate(Conversation.start(noise_image(200, 60), prompt_for("text")), max_new_tokens=50)
    assert answer.stats.stop_reason is StopReason.REPETITION
    assert answer.stats.new_tokens == 5


def test_warm_up_runs_the_whole_path(ov_fp16, monkeypatch):
    generations = spy_on_generate(monkeypatch, ov_fp16)
    before = ov_fp16.warm_ups
    ov_fp16.warm_up()
    assert len(generations) == 1  # one real generation through the compiled pipeline
    _, warm = generations[0]
    assert warm.stats.original_size == ov_module.WARM_UP_SIZE
    assert warm.stats.prompt_tokens > 0
    assert 0 < warm.stats.new_tokens <= ov_module.WARM_UP_TOKENS
    assert ov_fp16.warm_ups == before + 1


def test_auto_picks_openvino_when_converted(ov_fp16, tiny_model):
    from desktop_ocr.engine.backends import create_backend

    picked = create_backend(
        EngineOptions(model=str(tiny_model), device="cpu", dtype="float32", weights="fp16")
    )
    assert isinstance(picked, ov_module.OpenVINOBackend)


def test_auto_does_not_convert_a_small_model(tiny_model, tmp_path, monkeypatch):
    """A small unconverted model: `auto` answers with transformers at once, no conversion."""
    from desktop_ocr.engine.backends import create_backend
    from desktop_ocr.engine.local import LocalBackend
    from desktop_ocr.engine.openvino_convert import cache_root

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lines: list[str] = []
    options = EngineOptions(model=str(tiny_model), device="cpu", dtype="float32")
    picked = create_backend(options, status=lines.append)
    assert isinstance(picked, LocalBackend)
    assert not any("openvino" in line.lower() for line in lines)
    assert not cache_root().exists()


def test_explicit_openvino_reports_a_failed_conversion(tiny_model, tmp_path, monkeypatch):
    from desktop_ocr.engine import openvino_convert
    from desktop_ocr.engine.backends import create_backend
    from desktop_ocr.engine.errors import ModelLoadError

    def offline(_progress=None):
        raise ModelLoadError("cannot set up the OpenVINO converter: no network")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("DESKTOP_OCR_OV_CONVERTER", str(tmp_path / "no-such-python"))
    monkeypatch.setattr(openvino_convert, "setup_converter", offline)
    with pytest.raises(ModelLoadError, match="OpenVINO converter"):
        create_backend(EngineOptions(model=str(tiny_model), device="cpu", backend="openvino"))


def fake_converter(venv: Path) -> Path:
    """A converter venv as setup_converter leaves it (its Python: this one)."""
    from desktop_ocr.engine.openvino_convert import CONVERTER_COMPLETE

    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    (venv / CONVERTER_COMPLETE).write_text("pins\n")
    return python


def test_a_converter_variable_naming_a_deleted_venv_falls_back_in_one_line(tmp_path, monkeypatch):
    from desktop_ocr.engine import openvino_convert

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    gone = tmp_path / "deleted-venv" / "bin" / "python"
    monkeypatch.setenv(openvino_convert.CONVERTER_ENV_VAR, str(gone))
    ours = fake_converter(openvino_convert.converter_dir())
    said: list[str] = []
    assert openvino_convert.converter_python(said.append) == ours
    assert len(said) == 1 and str(gone) in said[0] and "does not exist" in said[0]


def test_a_converter_variable_naming_a_python_that_cannot_export_falls_back(tmp_path, monkeypatch):
    """The old failure: a venv whose borrowed packages are gone ("No module named 'packaging'")."""
    from desktop_ocr.engine import openvino_convert

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    broken = tmp_path / "broken" / "bin" / "python"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'packaging'\" >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv(openvino_convert.CONVERTER_ENV_VAR, str(broken))
    said: list[str] = []
    assert openvino_convert.converter_python(said.append) is None  # none set up: convert() sets one up
    assert said == [
        f"{openvino_convert.CONVERTER_ENV_VAR}={broken} cannot export (ModuleNotFoundError: No module named"
        f" 'packaging'): using the converter in {openvino_convert.converter_dir()}"
    ]


def test_two_installs_never_share_or_rewrite_a_converter(tmp_path, monkeypatch):
    """Each install's converter is keyed by its pins; finding one changes nothing in it."""
    from desktop_ocr.engine import openvino_convert

    monkeypatch.delenv(openvino_convert.CONVERTER_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(openvino_convert, "_runtime_pins", lambda: ["openvino==2026.4.1"])
    first = openvino_convert.converter_dir()
    assert openvino_convert.converter_dir() == first  # the same pins: the same converter
    monkeypatch.setattr(openvino_convert, "_runtime_pins", lambda: ["openvino==2026.5.0"])
    second = openvino_convert.converter_dir()
    assert second != first
    python = fake_converter(second)
    site = second / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    before = sorted(p.relative_to(second) for p in second.rglob("*"))
    assert openvino_convert.converter_python() == python
    assert sorted(p.relative_to(second) for p in second.rglob("*")) == before  # no .pth written
    assert not list(second.rglob("*.pth"))


def test_the_converter_borrows_nothing_from_the_app(ov_cache):
    """The converter venv the app set up (`make openvino-converter`) imports torch and
    transformers from itself, and a Python that can export passes the app's check."""
    import subprocess
    import sysconfig

    from desktop_ocr.engine.openvino_convert import CONVERTER_COMPLETE, _unusable

    assert _unusable(ov_cache) == ""
    where = subprocess.run(
        [str(ov_cache), "-c", "import sys, torch, transformers; print(sys.prefix);"
         " print(torch.__file__); print(transformers.__file__); print(transformers.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    if not (Path(where[0]) / CONVERTER_COMPLETE).exists():
        pytest.skip(f"{ov_cache} is a converter from outside the app ($DESKTOP_OCR_OV_CONVERTER)")
    prefix = Path(where[0])
    assert Path(where[1]).is_relative_to(prefix) and Path(where[2]).is_relative_to(prefix)
    assert where[3] == "5.0.0"
    assert "include-system-site-packages = false" in (prefix / "pyvenv.cfg").read_text()
    app_site = sysconfig.get_paths()["purelib"]
    assert not [pth for pth in prefix.rglob("*.pth") if app_site in pth.read_text()]


def test_conversion_progress_says_each_bar_once_per_tenth():
    from desktop_ocr.engine.openvino_convert import _ProgressBars

    bars = _ProgressBars()
    lines = [f"Loading weights: {n * 100 // 730:3d}%|  | {n}/730 [00:01<00:00]" for n in range(731)]
    said = [line for line in ["Exporting model", *lines, "done"] if bars.worth_saying(line)]
    assert said[0] == "Exporting model" and said[-1] == "done"
    assert [int(line.split(":")[1].split("%")[0]) // 10 for line in said[1:-1]] == list(range(11))
