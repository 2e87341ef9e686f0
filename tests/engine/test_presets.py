"""Prompt presets: parse, serialize, validate, find, overlay keys."""

from __future__ import annotations

import pytest

from desktop_ocr.engine.presets import DEFAULT_PRESETS, Preset, PresetError, find, for_key, parse, serialize


def test_round_trip_keeps_order_and_text():
    presets = [*DEFAULT_PRESETS, Preset("Zitat, „genau“", 'Quote "exactly", with commas; and\nlines')]
    assert parse(serialize(presets)) == presets


def test_validation_trims_and_rejects_what_cannot_work():
    assert parse('[{"name": "  Two   words ", "prompt": " Ask \\n"}]') == [Preset("Two words", "Ask")]
    for text, message in [
        ("not json", "not valid JSON"),
        ('{"name": "x"}', "must be a list"),
        ('[{"name": "x"}]', "needs a prompt"),
        ('[{"name": " ", "prompt": "p"}]', "has no name"),
        ('[{"name": "x", "prompt": " "}]', "has no prompt"),
        ('[{"name": "A", "prompt": "p"}, {"name": "a", "prompt": "q"}]', "two presets"),
    ]:
        with pytest.raises(PresetError, match=message):
            parse(text)
    assert parse("") == []


def test_find_ignores_case_and_lists_the_names():
    assert find(DEFAULT_PRESETS, "table AS csv").name == "Table as CSV"
    with pytest.raises(PresetError) as error:
        find(DEFAULT_PRESETS, "Summarise")
    message = str(error.value)
    assert "\n" not in message and "'Summarise'" in message
    assert all(repr(p.name) in message for p in DEFAULT_PRESETS)
    with pytest.raises(PresetError, match="none saved"):
        find([], "x")


def test_overlay_keys_pick_the_first_nine():
    presets = [Preset(f"P{i}", f"prompt {i}") for i in range(1, 12)]
    assert for_key(presets, 1) == presets[0]
    assert for_key(presets, 9) == presets[8]
    assert for_key(presets, 10) is None and for_key(presets, 0) is None
    assert for_key(DEFAULT_PRESETS, 4) is None
