"""--backend, --weights and --compile-decode reach the backend `main` makes; --cli reads no saved settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desktop_ocr.cli import build_parser
from desktop_ocr.cli.parser import flags_given
from desktop_ocr.core.settings_store import Settings, save_settings
from desktop_ocr.engine import EngineOptions
from tests.cli_in_process import run_main
from tests.conftest import noise_image
from tests.scripted_backend import ScriptedBackend

SPEED = ("backend", "weights", "compile_decode")


def speed(options: EngineOptions | Settings) -> tuple[object, ...]:
    return tuple(getattr(options, name) for name in SPEED)


@pytest.fixture
def backend_options(monkeypatch, tmp_path):
    """Runs `desktop-ocr --cli IMAGE FLAGS` over a settings file that chose other speed options;
    returns the EngineOptions `main` created its backend with (a scripted backend answers)."""
    from desktop_ocr.engine import backends

    ini = tmp_path / "settings.ini"
    saved = Settings(backend="openvino", weights="int4", compile_decode=False)
    assert speed(saved) != speed(Settings())  # else reading the file could not show
    save_settings(QSettings(str(ini), QSettings.Format.IniFormat), saved)
    image = tmp_path / "x.png"
    noise_image(64, 32).save(image)
    created: list[EngineOptions] = []

    def create_backend(options, server=None, download_progress=None, status=None):
        created.append(options)
        return ScriptedBackend()

    monkeypatch.setattr(backends, "create_backend", create_backend)

    def run(*flags: str) -> EngineOptions:
        ran = run_main(["--cli", str(image), *flags], env={"DESKTOP_OCR_SETTINGS": str(ini)})
        assert ran.returncode == 0, ran.stderr.decode()
        assert "answer to" in ran.stdout.decode()  # the scripted backend answered
        (options,) = created[-1:]
        return options

    return run


def test_without_flags_the_cli_runs_the_tables_defaults_not_the_saved_settings(backend_options):
    assert speed(backend_options()) == speed(Settings())


def test_the_flags_reach_the_backend(backend_options):
    options = backend_options("--backend", "transformers", "--weights", "fp16", "--compile-decode")
    assert speed(options) == ("transformers", "fp16", True)
    options = backend_options("--backend", "openvino", "--weights", "int4", "--no-compile-decode")
    assert speed(options) == ("openvino", "int4", False)


def test_a_bad_choice_is_refused(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--weights", "int3"])
    assert "--weights" in capsys.readouterr().err


def test_settings_carry_the_runtime_fields_and_flags_override_them():
    settings = Settings(backend="transformers", weights="int4", compile_decode=False)
    options = settings.engine_options()
    assert (options.backend, options.weights, options.compile_decode) == ("transformers", "int4", False)
    args = build_parser().parse_args(["--backend", "openvino"])
    assert settings.with_flags(args, flags_given(args)).engine_options().backend == "openvino"
    assert {"backend", "weights", "compile_decode"} <= flags_given(
        build_parser().parse_args(["--backend", "openvino", "--weights", "fp16", "--no-compile-decode"])
    )
