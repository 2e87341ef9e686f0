"""Prompt presets: a name and a prompt the user keeps beside the built-in modes. No Qt.

Stored as one JSON text (a list of {"name", "prompt"}) in the settings; the first nine are
keys 1–9 in the snip overlay.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

OVERLAY_KEYS = 9  # keys 1..9 pick the first nine presets


@dataclass(frozen=True)
class Preset:
    name: str
    prompt: str


DEFAULT_PRESETS: tuple[Preset, ...] = (
    Preset(
        "Translate to English",
        "Translate all the text in this image into English. Output only the translation.",
    ),
    Preset(
        "Explain this error",
        "This image shows an error message, a warning or a stack trace. Quote the key line, "
        "explain what went wrong in plain words, and suggest how to fix it.",
    ),
    Preset(
        "Table as CSV",
        "Convert the table in this image to CSV with a header row. Quote cells that contain "
        "commas. Output only the CSV.",
    ),
)


class PresetError(ValueError):
    """Presets that cannot be used; the message is one line for the user."""


def validate(presets: Sequence[Preset]) -> list[Preset]:
    """Trimmed presets; PresetError for an empty name or prompt, or a repeated name."""
    result: list[Preset] = []
    seen: set[str] = set()
    for number, preset in enumerate(presets, 1):
        name = " ".join(preset.name.split())  # one line, single spaces
        prompt = preset.prompt.strip()
        if not name:
            raise PresetError(f"preset {number} has no name")
        if not prompt:
            raise PresetError(f"preset {name!r} has no prompt")
        if name.casefold() in seen:
            raise PresetError(f"two presets are named {name!r}")
        seen.add(name.casefold())
        result.append(Preset(name, prompt))
    return result


def serialize(presets: Sequence[Preset]) -> str:
    return json.dumps([{"name": p.name, "prompt": p.prompt} for p in validate(presets)], ensure_ascii=False)


def parse(text: str) -> list[Preset]:
    """Presets from their stored JSON; PresetError when it is not a list of name/prompt pairs."""
    try:
        data = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as error:
        raise PresetError(f"the saved presets are not valid JSON ({error.msg})") from None
    if not isinstance(data, list):
        raise PresetError("the saved presets must be a list")
    presets = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise PresetError("each preset needs a name and a prompt")
        if not isinstance(entry.get("prompt"), str):
            raise PresetError(f"preset {entry['name']!r} needs a prompt")
        presets.append(Preset(entry["name"], entry["prompt"]))
    return validate(presets)


def find(presets: Sequence[Preset], name: str) -> Preset:
    """The preset called `name` (case does not matter); PresetError lists the names there are."""
    wanted = " ".join(name.split()).casefold()
    for preset in presets:
        if preset.name.casefold() == wanted:
            return preset
    names = ", ".join(repr(p.name) for p in presets) or "none saved (add some in Settings)"
    raise PresetError(f"unknown preset {name!r}; choose from {names}")


def for_key(presets: Sequence[Preset], digit: int) -> Preset | None:
    """The preset on overlay key `digit` (1–9), or None."""
    if 1 <= digit <= min(OVERLAY_KEYS, len(presets)):
        return presets[digit - 1]
    return None
