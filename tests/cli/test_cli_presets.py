"""`--preset NAME`: the saved preset's prompt, exclusive with --mode/--prompt, one line when unknown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desktop_ocr.cli import build_parser
from desktop_ocr.cli.inputs import Input
from desktop_ocr.cli.parser import resolve_preset
from desktop_ocr.cli.pipeline import question_for
from desktop_ocr.core.settings_store import Settings, save_settings
from desktop_ocr.engine import Conversation, load_image
from desktop_ocr.engine.presets import DEFAULT_PRESETS, Preset, PresetError, serialize
from tests.cli.test_cli import MAX_NEW, run_cli
from tests.conftest import noise_image

CUSTOM = Preset("Just digits", "Write only the digits you see.")


@pytest.fixture
def saved(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    save_settings(
        QSettings(str(path), QSettings.Format.IniFormat),
        Settings(presets=serialize([*DEFAULT_PRESETS, CUSTOM])),
    )
    monkeypatch.setenv("DESKTOP_OCR_SETTINGS", str(path))
    return path


def test_preset_becomes_the_question(saved):
    args = build_parser().parse_args(["--cli", "x.png", "--preset", "just DIGITS"])
    resolve_preset(args)
    assert question_for(args, Input("x.png")) == CUSTOM.prompt
    assert question_for(args, Input("x.pdf", "pdf")) == CUSTOM.prompt  # documents too


def test_defaults_apply_without_saved_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_OCR_SETTINGS", str(tmp_path / "none.ini"))
    args = build_parser().parse_args(["--preset", "Table as CSV"])
    resolve_preset(args)
    assert args.prompt == DEFAULT_PRESETS[2].prompt
    with pytest.raises(PresetError, match="'Translate to English'"):
        resolve_preset(build_parser().parse_args(["--preset", "Nope"]))


@pytest.mark.parametrize("other", [["--mode", "latex"], ["--prompt", "Hi"]])
def test_preset_excludes_mode_and_prompt(other, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--preset", "Table as CSV", *other])
    assert "not allowed with" in capsys.readouterr().err


def test_unknown_preset_is_one_line_with_the_names(saved, tmp_path):
    image = tmp_path / "a.png"
    noise_image(64, 64).save(image)
    result = run_cli(str(image), "--preset", "Summarise", env={"DESKTOP_OCR_SETTINGS": str(saved)})
    assert result.returncode == 2
    last = result.stderr.decode().strip().splitlines()[-1]
    assert "unknown preset 'Summarise'" in last and "'Just digits'" in last and "'Table as CSV'" in last
    assert "Traceback" not in result.stderr.decode()


def test_cli_answers_the_preset(backend, tiny_model, saved, tmp_path):
    image = tmp_path / "b.png"
    noise_image(320, 120, seed=3).save(image)
    result = run_cli(
        str(image),
        "--preset",
        "Just digits",
        "--model",
        str(tiny_model),
        "--dtype",
        "float32",
        "--max-new-tokens",
        MAX_NEW,
        env={"DESKTOP_OCR_SETTINGS": str(saved)},
    )
    assert result.returncode == 0, result.stderr
    expected = backend.generate(
        Conversation.start(load_image(image), CUSTOM.prompt), max_new_tokens=int(MAX_NEW)
    ).text
    assert result.stdout.decode() == expected
