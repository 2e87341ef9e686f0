"""Persistent settings (QSettings), and the run's options: saved settings under explicit flags."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from .. import secrets
from ..engine import options as defaults
from ..engine import presets as prompt_presets
from ..engine.prompts import Mode
from ..engine.server import DEFAULT_SERVER_TIMEOUT_S, ServerOptions
from ..render.export import Delimiters
from ..render.marks import DEFAULT_UNCERTAIN_BELOW

if TYPE_CHECKING:
    from ..history import HistoryStore


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
    hotkey: str = ""  # a global snip hotkey such as Ctrl+Alt+S (any desktop; see README); empty: off
    notify: bool = True  # a desktop notification when an answer finishes out of sight
    snip_wait_for_key: bool = False  # after the drag, wait for a preset key or Enter (else: at once)
    presets: str = prompt_presets.serialize(prompt_presets.DEFAULT_PRESETS)  # JSON, engine/presets.py
    server_url: str = ""  # an OpenAI-compatible endpoint; empty: the local model
    server_model: str = ""  # empty: the server's only model
    api_key: str = ""  # empty: $DESKTOP_OCR_API_KEY; saved in the system keychain where there is one
    server_timeout: float = DEFAULT_SERVER_TIMEOUT_S  # seconds a server may send nothing (prefill)
    keep_history: bool = True  # off: nothing is written to disk
    keep_days: int = 0  # 0: forever
    keep_records: int = 0  # 0: no limit
    history_location: str = ""  # empty: the platform's user data folder ($DESKTOP_OCR_DATA_DIR)
    backend: str = "auto"  # auto | transformers | openvino | server
    weights: str = defaults.DEFAULT_WEIGHTS  # OpenVINO weight format: fp16 | int8 | int4
    compile_decode: bool = True  # CUDA: static KV cache + compiled decode step
    uncertain_below: float = DEFAULT_UNCERTAIN_BELOW  # tokens with p under this are marked; 0: off

    def preset_list(self) -> list[prompt_presets.Preset]:
        """The saved prompt presets (load_settings already replaced unreadable ones)."""
        try:
            return prompt_presets.parse(self.presets)
        except prompt_presets.PresetError:
            return list(prompt_presets.DEFAULT_PRESETS)

    def engine_options(self) -> defaults.EngineOptions:
        return defaults.EngineOptions(
            model=self.model or defaults.default_model(),
            device=self.device,  # type: ignore[arg-type]
            dtype=self.dtype,  # type: ignore[arg-type]
            budget=defaults.PixelBudget(self.min_pixels, self.max_pixels),
            max_new_tokens=self.max_new_tokens,
            backend=self.backend,  # type: ignore[arg-type]
            weights=self.weights,  # type: ignore[arg-type]
            compile_decode=self.compile_decode,
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
            timeout=self.server_timeout if self.server_timeout > 0 else DEFAULT_SERVER_TIMEOUT_S,
        )

    def open_history(self) -> HistoryStore:
        """The history these settings ask for (in memory when keep_history is off); see .warning."""
        from ..history import open_history

        return open_history(self.keep_history, self.history_location, self.keep_days, self.keep_records)

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
ORGANIZATION = "desktop-ocr"
APPLICATION = "desktop-ocr"
SETTINGS_ENV = "DESKTOP_OCR_SETTINGS"


def settings_store() -> QSettings:
    """The user's settings file ($DESKTOP_OCR_SETTINGS overrides where, for tests)."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def load_settings(store: QSettings) -> Settings:
    """Saved values, falling back to the defaults for missing or unreadable ones.

    The API key comes from the system keychain; one still in the file is moved there."""
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
    values["api_key"] = _load_api_key(store, values["api_key"])
    try:
        settings = Settings(**values)
        settings.engine_options()
    except ValueError:
        return replace(base, api_key=values["api_key"])
    if settings.mode not in {m.value for m in Mode}:
        settings = replace(settings, mode=base.mode)
    if not 0.0 <= settings.uncertain_below <= 1.0:
        settings = replace(settings, uncertain_below=base.uncertain_below)
    if settings.delimiters not in {d.value for d in Delimiters}:
        settings = replace(settings, delimiters=base.delimiters)
    try:
        prompt_presets.parse(settings.presets)
    except prompt_presets.PresetError:
        settings = replace(settings, presets=base.presets)
    return settings


def save_settings(store: QSettings, settings: Settings) -> None:
    """Write every setting; the API key goes to the keychain, or to the file where there is none."""
    for f in fields(Settings):
        if f.name != "api_key":
            store.setValue(f.name, getattr(settings, f.name))
    if secrets.write_api_key(settings.api_key):
        store.remove("api_key")
    else:
        store.setValue("api_key", settings.api_key)
    store.sync()


def _load_api_key(store: QSettings, in_file: str) -> str:
    if in_file:
        # Saved by an older version, or while there was no keychain: move it out of the file.
        if secrets.write_api_key(in_file):
            store.remove("api_key")
            store.sync()
        return in_file
    return secrets.read_api_key() or ""
