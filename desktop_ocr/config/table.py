"""The one settings table: every setting declared once, with its flag, dialog row, checks and effects.

Adding a setting is one `setting(default, Spec(...))` line here; its flag, dialog row, saving,
checks and reload come from it (see README, Development).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..capture.names import HANDLER_NAMES
from ..engine import options as engine
from ..engine import presets as prompt_presets
from ..engine.prompts import Mode
from ..engine.server import API_KEY_ENV, DEFAULT_SERVER_TIMEOUT_S, ServerOptions
from ..render.export import Delimiters
from ..render.linebreaks import LineBreaks
from ..render.marks import DEFAULT_UNCERTAIN_BELOW
from .spec import FlagGroup, History, Section, Widget, setting
from .spec import Spec as S

if TYPE_CHECKING:
    from ..history import HistoryStore

M, G, SN, SV, P = Section.MODEL, Section.GENERAL, Section.SNIPPING, Section.SERVER, Section.PRIVACY
TOKEN = engine.PIXELS_PER_TOKEN


def _data_dir() -> str:
    from ..history import default_data_dir

    return str(default_data_dir())


def _presets_ok(text: str) -> bool:
    try:
        prompt_presets.parse(text)
    except prompt_presets.PresetError:
        return False
    return True


@dataclass(frozen=True)
class Settings:
    """The user's settings; each field's Spec says how it is shown, given, checked and applied."""

    # fmt: off
    model: str = setting("", S(
        "Model (hub id or folder)", M, Widget.MODEL, flag=FlagGroup.MODEL, placeholder=engine.default_model,
        help=f"hub id or local folder (default: ${engine.MODEL_ENV_VAR}, else {engine.DEFAULT_MODEL})",
        reload=True))
    device: str = setting("auto", S(
        "Device", M, Widget.CHOICE, choices=engine.DEVICES, flag=FlagGroup.MODEL, help="default: auto",
        reload=True))
    dtype: str = setting("auto", S(
        "Dtype", M, Widget.CHOICE, choices=engine.DTYPES, flag=FlagGroup.MODEL, help="default: auto",
        reload=True))
    backend: str = setting("auto", S(
        "Backend (auto: OpenVINO for a converted model on a CPU)", M, Widget.CHOICE, choices=engine.BACKENDS,
        flag=FlagGroup.RUNTIME, reload=True,
        help="auto (default): OpenVINO on a CPU when installed and the model converts, else "
        "transformers; server needs --server"))
    weights: str = setting(engine.DEFAULT_WEIGHTS, S(
        "OpenVINO weights", M, Widget.CHOICE, choices=engine.WEIGHT_FORMATS, flag=FlagGroup.RUNTIME,
        help="OpenVINO weight format (default int8; fp16 answers as transformers fp32 does)", reload=True))
    compile_decode: bool = setting(True, S(
        "Compile the decode step on CUDA (static KV cache; compiled after loading)", M, Widget.CHECK,
        flag=FlagGroup.RUNTIME, reload=True,
        help="CUDA: static KV cache with a torch.compile'd decode step (default on)"))
    min_pixels: int = setting(engine.DEFAULT_MIN_PIXELS, S(
        "Min visual tokens (small images are upscaled)", M, Widget.TOKENS, flag=FlagGroup.MODEL,
        metavar="N", low=engine.MIN_BUDGET_TOKENS * TOKEN, high=engine.MAX_BUDGET_TOKENS * TOKEN,
        help=f"smaller images are upscaled to this area (default {engine.DEFAULT_MIN_PIXELS:,})"))
    max_pixels: int = setting(engine.DEFAULT_MAX_PIXELS, S(
        "Max visual tokens (large images are downscaled)", M, Widget.TOKENS, flag=FlagGroup.MODEL,
        metavar="N", low=engine.MIN_BUDGET_TOKENS * TOKEN, high=engine.MAX_BUDGET_TOKENS * TOKEN,
        help=f"larger images are downscaled to this area (default {engine.DEFAULT_MAX_PIXELS:,})"))
    max_new_tokens: int = setting(engine.DEFAULT_MAX_NEW_TOKENS, S(
        "Longest answer (tokens)", M, Widget.NUMBER, flag=FlagGroup.MODEL, metavar="N", low=1, high=32768,
        help=f"longest answer in tokens (default {engine.DEFAULT_MAX_NEW_TOKENS})"))

    mode: str = setting(Mode.TEXT.value, S(
        "Default mode", G, Widget.CHOICE, choices=tuple(m.value for m in Mode), flag=FlagGroup.ASK,
        help="what to recognise (default: text); codes: read QR codes and barcodes only, one text "
        "a line, without loading a model"))
    delimiters: str = setting(Delimiters.DOLLAR.value, S(
        "LaTeX delimiters", G, Widget.CHOICE, choices=tuple(d.value for d in Delimiters)))
    line_breaks: str = setting(LineBreaks.KEEP.value, S(
        "Line breaks (shown answer and copies)", G, Widget.CHOICE, choices=tuple(m.value for m in LineBreaks),
        help="keep: as the model wrote them; paragraphs: lines joined; single: one line"))
    uncertain_below: float = setting(DEFAULT_UNCERTAIN_BELOW, S(
        "Mark tokens less likely than", G, Widget.FRACTION, low=0.0, high=1.0, special="off",
        help="tokens with p under this are marked; 0: off"))
    auto_copy: bool = setting(False, S("Copy the result when a recognition finishes", G, Widget.CHECK))
    keep_in_tray: bool = setting(False, S(
        "Keep running in the tray when the window closes (model stays warm)", G, Widget.CHECK))
    notify: bool = setting(True, S(
        "Notify when the text is ready and the window is hidden or behind others", G, Widget.CHECK))

    hotkey: str = setting("", S(
        "Global snip hotkey (in any application)", SN, Widget.HOTKEY,
        placeholder="off: click here and press a key",
        help="snips from any application, the window hidden or not, e.g. Ctrl+Alt+Q (the window's own "
             "Ctrl+Alt+S works only in the window; see README); empty: off"))
    capture_handler: str = setting("", S(
        "Screen capture (empty: automatic)", SN, Widget.CHOICE, choices=("", *HANDLER_NAMES),
        flag=FlagGroup.WINDOW, metavar="NAME",
        help=f"force a screen capture method: {', '.join(HANDLER_NAMES[:-1])} or {HANDLER_NAMES[-1]}"))
    presets: str = setting(prompt_presets.serialize(prompt_presets.DEFAULT_PRESETS), S(
        "Prompt presets (keys 1–9 while snipping; --preset NAME)", SN, Widget.PRESETS, check=_presets_ok))
    snip_wait_for_key: bool = setting(False, S(
        "After the drag, wait for a preset key (1–9) or Enter", SN, Widget.CHECK))

    server_url: str = setting("", S(
        "OpenAI-compatible server", SV, Widget.TEXT, flag=FlagGroup.SERVER, flag_name="--server",
        metavar="URL", placeholder="empty: the local model; e.g. http://127.0.0.1:8000/v1", reload=True,
        help="e.g. http://127.0.0.1:8000/v1; no local model is loaded"))
    server_model: str = setting("", S(
        "Server model", SV, Widget.TEXT, flag=FlagGroup.SERVER, metavar="NAME", reload=True,
        placeholder="empty: the server's only model", help="default: the server's only model"))
    api_key: str = setting("", S(
        "API key", SV, Widget.TEXT, flag=FlagGroup.SERVER, metavar="KEY", secret=True, reload=True,
        placeholder=f"empty: ${API_KEY_ENV}", help=f"default: ${API_KEY_ENV}"))

    server_timeout: float = setting(DEFAULT_SERVER_TIMEOUT_S, S(
        "Server timeout (seconds without progress)", SV, Widget.NUMBER, flag=FlagGroup.SERVER, metavar="S",
        low=1, high=86_400, reload=True,
        help=f"give up when the server sends nothing for S seconds (default {DEFAULT_SERVER_TIMEOUT_S:g}: "
        "a CPU server's prefill of a large image takes minutes); Ctrl+C ends a wait at once"))
    keep_history: bool = setting(True, S(
        "Keep a history of answers and their images (off: nothing is written)", P, Widget.CHECK,
        history=History.REOPEN))
    keep_days: int = setting(0, S(
        "Keep for", P, Widget.NUMBER, low=0, high=36500, special="forever", suffix=" days",
        history=History.RETENTION, enabled_by="keep_history"))
    keep_records: int = setting(0, S(
        "Keep at most", P, Widget.NUMBER, low=0, high=1_000_000, special="no limit", suffix=" records",
        history=History.RETENTION, enabled_by="keep_history"))
    history_location: str = setting("", S(
        "History folder", P, Widget.FOLDER, placeholder=_data_dir, history=History.REOPEN,
        enabled_by="keep_history"))
    # fmt: on

    def preset_list(self) -> list[prompt_presets.Preset]:
        """The saved prompt presets (loading already replaced unreadable ones)."""
        try:
            return prompt_presets.parse(self.presets)
        except prompt_presets.PresetError:
            return list(prompt_presets.DEFAULT_PRESETS)

    def engine_options(self) -> engine.EngineOptions:
        """How the model is loaded and run; ValueError says what is wrong."""
        return engine.EngineOptions(
            model=self.model or engine.default_model(),
            device=self.device,  # type: ignore[arg-type]  # EngineOptions checks it
            dtype=self.dtype,  # type: ignore[arg-type]
            budget=engine.PixelBudget(self.min_pixels, self.max_pixels),
            max_new_tokens=self.max_new_tokens,
            backend=self.backend,  # type: ignore[arg-type]
            weights=self.weights,  # type: ignore[arg-type]
            compile_decode=self.compile_decode,
        )

    def server_options(self) -> ServerOptions | None:
        """The server to ask instead of a local model, with the same budget and answer length."""
        if not self.server_url:
            return None
        options = self.engine_options()
        return ServerOptions(
            url=self.server_url,
            model=self.server_model or None,
            api_key=self.api_key or None,
            budget=options.budget,
            max_new_tokens=options.max_new_tokens,
            timeout=self.server_timeout,
        )

    def open_history(self) -> HistoryStore:
        """The history these settings ask for (in memory when keep_history is off); see .warning."""
        from ..history import open_history

        return open_history(self.keep_history, self.history_location, self.keep_days, self.keep_records)

    def with_flags(self, args: argparse.Namespace, flags_given: set[str]) -> Settings:
        """These settings with the command line's explicit flags on top, for this run only."""
        from .flags import RunFlags

        return RunFlags.from_args(self, args, flags_given).settings
