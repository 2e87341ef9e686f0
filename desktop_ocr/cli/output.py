"""What the CLI writes besides the answers: headers, the download bar, the batch progress bar."""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..codes import Code
    from ..engine import Answer

from ..engine.errors import Hint
from ..engine.redact import redact
from ..engine.server import API_KEY_ENV
from .terminal import json_safe

STDIN = "-"

# How the CLI words each engine hint: as its flags.
HINT_WORDS = {
    Hint.LOWER_MAX_PIXELS: "lower --max-pixels",
    Hint.RAISE_PIXEL_BUDGET: "raise --max-pixels",
    Hint.TRY_CPU: "try --device cpu or a smaller --dtype",
    Hint.CHOOSE_DEVICE: "choose another --device",
    Hint.CHOOSE_MODEL_FOLDER: "or pass --model /path/to/a/downloaded/model/folder",
    Hint.CHOOSE_SERVER_MODEL: "pick one with --server-model",
    Hint.SET_API_KEY: f"set --api-key or ${API_KEY_ENV}",
    Hint.CHECK_SERVER_URL: "check the URL and --server-model",
    Hint.GIVE_PASSWORD: "give its password (--password)",
    Hint.LOWER_DPI: "give a lower --dpi",
    Hint.GIVE_SERVER_URL: "give --server URL",
    Hint.RAISE_SERVER_TIMEOUT: "raise --server-timeout if its prefill takes longer",
}


def describe(error: BaseException) -> str:
    """An engine error's message with its hint worded as the CLI's flags (no password in it)."""
    hint = getattr(error, "hint", None)
    return redact(f"{error}" + (f"; {HINT_WORDS[hint]}" if hint in HINT_WORDS else ""))


def error_line(error: BaseException) -> str:
    """`desktop-ocr: MESSAGE; HINT`, one line for stderr."""
    return f"desktop-ocr: {describe(error)}"


def label_of(name: str) -> str:
    return "standard input" if name == STDIN else name


def header(index: int, name: str) -> str:
    """The line above each answer when several images run, as `head` prints it."""
    return ("\n" if index else "") + f"==> {label_of(name)} <==\n"


def json_line(name: str, answer: Answer, page: int | None = None, codes: Sequence[Code] = ()) -> str:
    """`--format json`: the answer, each generated token (end token excluded), the stats, and the
    QR codes and barcodes found in the image."""
    stats = answer.stats
    record: dict[str, object] = {"file": name}  # as given; "-" is standard input
    if page is not None:
        record["page"] = page
    record |= {
        "text": answer.text,
        "tokens": [token.to_json() for token in answer.tokens],
        "stats": {
            "original_size": list(stats.original_size),
            "resized_size": list(stats.resized_size),
            "visual_tokens": stats.visual_tokens,
            "prompt_tokens": stats.prompt_tokens,
            "new_tokens": stats.new_tokens,
            "time_to_first_token": stats.time_to_first_token,
            "tokens_per_second": stats.tokens_per_second,
            "total_time": stats.total_time,
            "stop_reason": stats.stop_reason.value,
        },
        "codes": [code.to_json() for code in codes],
    }
    return json_safe(json.dumps(record, ensure_ascii=False)) + "\n"


def is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class DownloadBar:
    """A one-line byte progress bar on stderr for the model download."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = False
        self.last_percent = -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent == self.last_percent:
            return
        self.last_percent = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rdownloading model [{bar}] {percent:3d}% {done / 1e9:.2f}/{total / 1e9:.2f} GB")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class ProgressBar:
    """A one-line count of finished inputs on stderr, e.g. `[####------] 4/10 images`."""

    WIDTH = 30

    def __init__(self, stream: IO[str], total: int, unit: str = "images") -> None:
        self.stream = stream
        self.total = total
        self.unit = unit
        self.done = 0

    def step(self) -> None:
        self.done += 1
        filled = self.WIDTH * self.done // max(self.total, 1)
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] {self.done}/{self.total} {self.unit}"
        )
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()
