"""Persistent settings (QSettings), and the run's options: saved settings under explicit flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields, replace
from typing import Any

from PySide6.QtCore import QSettings

from ..engine import options as defaults
from ..engine.prompts import Mode
from ..engine.server import ServerOptions
from ..render.export import Delimiters
from ..render.marks import DEFAULT_UNCERTAIN_BELOW


@dataclass(frozen=True)
class Settings:
    model: str = ""  # empty: $DESKTOP_OCR_MODEL, else the default model
    device: str = "auto"
    dtype: str = "auto"
    min_pixels: int = defaults.DEFAULT_MIN_PIXELS
    max_pixels: int = defaults.DEFAULT_MAX_PIXELS
    max_new_tokens: int = defaults.DEFAULT_MAX_NEW_TOKENS
    mode: str = Mode.TEXT.value
    delimiters: str = Delimiters.DOLLAR.value
    auto_copy: bool = False
    capture_handler: str = ""  # empty: the first that works
    keep_in_tray: bool = False
    hotkey: str = ""  # a global snip hotkey such as Ctrl+Alt+S (X11); empty: off
    server_url: str = ""  # an OpenAI-compatible endpoint; empty: the local model
    server_model: str = ""  # empty: the server's only model
    api_key: str = ""  # empty: $DESKTOP_OCR_API_KEY
    uncertain_below: float = DEFAULT_UNCERTAIN_BELOW  # tokens with p under this are marked; 0: off

    def engine_options(self) -> defaults.EngineOptions:
        return defaults.EngineOptions(
            model=self.model or defaults.default_model(),
            device=self.device,  # type: ignore[arg-type]
            dtype=self.dtype,  # type: ignore[arg-type]
            budget=defaults.PixelBudget(self.min_pixels, self.max_pixels),
            max_new_tokens=self.max_new_tokens,
        )

    def server_options(self) -> ServerOptions | None:
        if not self.server_url:
            return None
        options = self.engine_options()
        return ServerOptions(
            url=self.server_url,
            model=self.server_model or None,
            api_key=self.api_key or None,
            budget=options.budget,
            max_new_tokens=options.max_new_tokens,
        )

    def with_flags(self, args: argparse.Namespace, flags_given: set[str]) -> Settings:
        """These settings with the command line's explicit flags on top, for this run only."""
        renamed = {"server": "server_url"}
        changes = {
            renamed.get(name, name): getattr(args, name)
            for name in flags_given
            if renamed.get(name, name) in _FIELD_NAMES
        }
        return replace(self, **changes)


_FIELD_NAMES = {f.name for f in fields(Settings)}


def load_settings(store: QSettings) -> Settings:
    """Saved values, falling back to the defaults for missing or unreadable ones."""
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        default = getattr(base, f.name)
        raw = store.value(f.name, default)
        try:
            if isinstance(default, bool):
                values[f.name] = raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1")
            else:
                values[f.name] = type(default)(raw)
        except (TypeError, ValueError):
            values[f.name] = default
    try:
        settings = Settings(**values)
        settings.engine_options()
    except ValueError:
        return base
    if settings.mode not in {m.value for m in Mode}:
        settings = replace(settings, mode=base.mode)
    if not 0.0 <= settings.uncertain_below <= 1.0:
        settings = replace(settings, uncertain_below=base.uncertain_below)
    if settings.delimiters not in {d.value for d in Delimiters}:
        settings = replace(settings, delimiters=base.delimiters)
    return settings


def save_settings(store: QSettings, settings: Settings) -> None:
    for f in fields(Settings):
        store.setValue(f.name, getattr(settings, f.name))
    store.sync()
