"""The settings table: every field declared once, and its flags, checks and effects come from it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, replace
from typing import Any

import pytest

from desktop_ocr.cli import build_parser, engine_options
from desktop_ocr.config import (
    FIELDS,
    Field,
    FlagGroup,
    History,
    RunFlags,
    Section,
    Settings,
    Spec,
    Widget,
    checked,
    flag_fields,
    flag_of,
    flags_given,
    history_change,
    is_valid,
    needs_reload,
    rows_of,
    setting,
)


def other_value(f: Field) -> Any:
    """A valid value of the field that is not its default (for round trips)."""
    spec = f.spec
    if f.type is bool:
        return not f.default
    if spec.choices:
        return next(c for c in spec.choices if c and c != f.default)
    if f.name == "presets":
        return '[{"name": "Shout", "prompt": "Read it out loud."}]'
    if f.name == "hotkey":
        return "Ctrl+Alt+J"
    if f.type is float:
        return round(f.default / 2, 2)
    if f.type is int:
        step = spec.low if f.spec.widget is Widget.TOKENS else 1  # a whole visual token
        value = f.default + step if f.default + step <= spec.high else f.default - step
        return value
    return f"/some/{f.name}"


def different() -> Settings:
    """Every field away from its default; the pixel budget kept in order."""
    values = {f.name: other_value(f) for f in FIELDS}
    return Settings(**values)


def test_the_package_loads_no_qt():
    code = "import sys, desktop_ocr.config; print(sorted(m for m in sys.modules if m.startswith(QT)))"
    code = code.replace("QT", "('PySide6', 'torch')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_field_is_declared_with_a_widget_and_a_valid_default():
    assert len(FIELDS) == len({f.name for f in FIELDS}) >= 26  # the keys in the settings file
    for f in FIELDS:
        assert isinstance(f.spec.widget, Widget) and isinstance(f.spec.section, Section), f.name
        assert f.spec.label, f.name
        assert is_valid(f, f.default), f.name
        if f.spec.widget is Widget.CHOICE:
            assert f.default in f.spec.choices, f.name
        if f.spec.enabled_by:
            assert rows_of()[[g.name for g in FIELDS].index(f.spec.enabled_by)].spec.widget is Widget.CHECK
    assert is_valid(FIELDS[0], other_value(FIELDS[0]))
    assert all(is_valid(f, other_value(f)) and other_value(f) != f.default for f in FIELDS)
    different().engine_options()  # the values the round trips use make engine options


def test_flags_are_unique_and_each_reaches_its_setting():
    flags = [flag_of(f) for f in flag_fields()]
    assert len(flags) == len(set(flags))
    parser = build_parser()  # argparse refuses a flag declared twice
    changed = different()
    for f in flag_fields():
        value = getattr(changed, f.name)
        argv = [f"--{'' if value else 'no-'}{flag_of(f)[2:]}"] if f.type is bool else [flag_of(f), str(value)]
        args = parser.parse_args(argv)
        assert flags_given(args) == {f.name}, f.name
        assert getattr(Settings().with_flags(args, flags_given(args)), f.name) == value, f.name
    assert flags_given(parser.parse_args([])) == set()


def test_the_cli_and_the_window_make_the_same_engine_options():
    argv = ["--model", "/m", "--dtype", "float32", "--max-pixels", "200_704", "--backend", "openvino",
            "--no-compile-decode", "--server", "http://h/v1", "--api-key", "k"]  # fmt: skip
    args = build_parser().parse_args(argv)
    settings = Settings().with_flags(args, flags_given(args))
    assert engine_options(args) == settings.engine_options()
    assert settings.engine_options().budget.max_pixels == 200_704 and not settings.compile_decode
    server = settings.server_options()
    assert server is not None and (server.url, server.api_key, server.model) == ("http://h/v1", "k", None)


def test_capture_handler_flag_takes_the_registrys_names_only():
    from desktop_ocr.capture.names import HANDLER_NAMES

    assert build_parser().parse_args(["--capture-handler", HANDLER_NAMES[-1]]).capture_handler == "spectacle"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--capture-handler", "scanner"])


def test_unreadable_values_fall_back_field_by_field():
    good = different()
    values: dict[str, Any] = dict(vars(good))
    values.update(mode="poetry", device="tpu", uncertain_below=1.5, keep_days=-1, presets="[{")
    result = checked(values)
    for name in ("mode", "device", "uncertain_below", "keep_days", "presets"):
        assert getattr(result, name) == getattr(Settings(), name), name
    assert result.model == good.model and result.max_new_tokens == good.max_new_tokens
    swapped = checked({**vars(good), "min_pixels": good.max_pixels, "max_pixels": good.min_pixels})
    assert (swapped.min_pixels, swapped.max_pixels) == (Settings().min_pixels, Settings().max_pixels)


def test_a_change_reloads_only_for_fields_that_pick_the_backend():
    reloading = {f.name for f in FIELDS if f.spec.reload}
    assert reloading == {"model", "device", "dtype", "backend", "weights", "compile_decode",
                         "server_url", "server_model", "api_key", "server_timeout"}  # fmt: skip
    base = Settings()
    for f in FIELDS:
        assert needs_reload(base, replace(base, **{f.name: other_value(f)})) is f.spec.reload, f.name


def test_history_reopens_for_where_and_whether_and_trims_for_limits():
    base = Settings()
    assert history_change(base, replace(base, keep_history=False)) is History.REOPEN
    assert history_change(base, replace(base, history_location="/x")) is History.REOPEN
    assert history_change(base, replace(base, keep_days=3)) is History.RETENTION
    assert history_change(base, replace(base, keep_days=3, history_location="/x")) is History.REOPEN
    assert history_change(base, replace(base, auto_copy=True)) is History.NONE


def test_flag_values_are_used_but_saved_only_when_changed_in_settings():
    saved = Settings(model="/saved", max_new_tokens=77, dtype="bfloat16")
    args = build_parser().parse_args(["--model", "X", "--max-new-tokens", "24"])
    run = RunFlags.from_args(saved, args, flags_given(args))
    assert (run.settings.model, run.settings.max_new_tokens, run.settings.dtype) == ("X", 24, "bfloat16")
    untouched = replace(run.settings, auto_copy=True)  # OK after changing something else
    to_save = run.to_save(untouched)
    assert (to_save.model, to_save.max_new_tokens, to_save.auto_copy) == ("/saved", 77, True)
    edited = replace(run.settings, max_new_tokens=500)  # the user typed a new length
    assert run.to_save(edited).max_new_tokens == 500 and run.to_save(edited).model == "/saved"
    after = run.after(edited)
    assert dict(after.values) == {"model": "X"} and after.saved.max_new_tokens == 500
    assert after.settings == edited


@dataclass(frozen=True)
class WithSharpen(Settings):
    """A setting added in one line: it gets a flag, a dialog row, saving and checks."""

    sharpen: int = setting(2, Spec("Sharpen (passes)", Section.MODEL, Widget.NUMBER, flag=FlagGroup.MODEL,
                                   low=0, high=9, metavar="N", help="sharpen the image N times"))  # fmt: skip


def test_a_new_field_is_one_declaration():
    assert rows_of(WithSharpen)[-1].name == "sharpen"
    args = build_parser(WithSharpen).parse_args(["--sharpen", "5"])
    assert flags_given(args, WithSharpen) == {"sharpen"} and flags_given(args) == set()
    assert WithSharpen().with_flags(args, flags_given(args, WithSharpen)).sharpen == 5  # type: ignore[attr-defined]
    assert checked({"sharpen": 12}, WithSharpen).sharpen == 2  # type: ignore[attr-defined]  # out of range
