"""--backend, --weights and --compile-decode reach EngineOptions, and the Settings table carries them."""

from __future__ import annotations

import pytest

from desktop_ocr.cli import build_parser, engine_options
from desktop_ocr.cli.parser import flags_given


def test_defaults_are_auto_int8_and_compiled_decode():
    options = engine_options(build_parser().parse_args(["--cli", "x.png"]))
    assert (options.backend, options.weights, options.compile_decode) == ("auto", "int8", True)


def test_flags_set_the_options():
    args = build_parser().parse_args(
        ["--cli", "x.png", "--backend", "openvino", "--weights", "fp16", "--no-compile-decode"]
    )
    options = engine_options(args)
    assert (options.backend, options.weights, options.compile_decode) == ("openvino", "fp16", False)
    assert {"backend", "weights", "compile_decode"} <= flags_given(args)


def test_a_bad_choice_is_refused(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--weights", "int3"])
    assert "--weights" in capsys.readouterr().err


def test_settings_carry_the_runtime_fields_and_flags_override_them():
    from desktop_ocr.core.settings_store import Settings

    settings = Settings(backend="transformers", weights="int4", compile_decode=False)
    options = settings.engine_options()
    assert (options.backend, options.weights, options.compile_decode) == ("transformers", "int4", False)
    args = build_parser().parse_args(["--backend", "openvino"])
    assert settings.with_flags(args, flags_given(args)).engine_options().backend == "openvino"
