"""Find a model on disk, in the Hugging Face cache, or download it with byte progress."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import Hint, ModelNotFoundError, one_line

# (bytes done, bytes in total); total is 0 while it is not known yet.
DownloadProgress = Callable[[int, int], None]

# What the app needs from a model repo; never pickled weights.
MODEL_FILE_PATTERNS = ["*.json", "*.safetensors", "*.txt", "*.jinja", "tokenizer.model"]
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def looks_like_hub_id(model: str) -> bool:
    return bool(_HUB_ID.match(model)) and not model.startswith((".", "/", "~"))


def locate_model(model: str, progress: DownloadProgress | None = None) -> Path:
    """The local folder holding `model` (a folder path or a hub id), downloading if needed."""
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotFoundError(f"{path} is not a model folder (it has no config.json)")
        return path
    if path.exists():
        raise ModelNotFoundError(
            f"{path} is a file, not a model folder or a hub id", Hint.CHOOSE_MODEL_FOLDER
        )
    if not looks_like_hub_id(model):
        raise ModelNotFoundError(
            f"no model folder at {path}, and {model!r} is not a hub id", Hint.CHOOSE_MODEL_FOLDER
        )
    cached = _cached_snapshot(model)
    if cached is not None:
        return cached
    if _offline():
        raise ModelNotFoundError(
            f"{model} is not downloaded yet and HF_HUB_OFFLINE is set; download it once online",
            Hint.CHOOSE_MODEL_FOLDER,
        )
    return _download(model, progress)


def _cached_snapshot(model: str) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(model, allow_patterns=MODEL_FILE_PATTERNS, local_files_only=True))
    except Exception:  # noqa: BLE001 - any cache miss or damage means "not cached"
        return None
    return folder if (folder / "config.json").is_file() else None


def _download(model: str, progress: DownloadProgress | None) -> Path:
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
    )

    unreachable = f"cannot reach the Hugging Face hub to download {model}; connect once to download it"
    try:
        info = HfApi().model_info(model, files_metadata=True)
        files = [
            (sibling.rfilename, sibling.size or 0)
            for sibling in info.siblings or []
            if _wanted(sibling.rfilename)
        ]
        counter = _ByteCounter(sum(size for _, size in files), progress)
        for filename, _size in files:
            hf_hub_download(model, filename, revision=info.sha, tqdm_class=counter.tqdm_class())
    except GatedRepoError:
        raise ModelNotFoundError(
            f"{model} is gated on the hub: accept its terms and log in (hf auth login)",
            Hint.CHOOSE_MODEL_FOLDER,
        ) from None
    except RepositoryNotFoundError:
        raise ModelNotFoundError(f"the hub has no model {model}", Hint.CHOOSE_MODEL_FOLDER) from None
    except HfHubHTTPError as error:
        raise ModelNotFoundError(
            f"{unreachable} (hub answered: {one_line(error)})", Hint.CHOOSE_MODEL_FOLDER
        ) from None
    except Exception as error:  # noqa: BLE001 - connection, DNS, TLS, timeout and disk errors
        # differ by HTTP client (httpx, httpx2, requests) and version: all end the download.
        raise ModelNotFoundError(
            f"{unreachable} ({type(error).__name__}: {one_line(error)})", Hint.CHOOSE_MODEL_FOLDER
        ) from None
    cached = _cached_snapshot(model)
    if cached is None:
        raise ModelNotFoundError(f"downloading {model} did not give a model folder")
    return cached


def _wanted(filename: str) -> bool:
    from fnmatch import fnmatch

    return "/" not in filename and any(fnmatch(filename, p) for p in MODEL_FILE_PATTERNS)


class _ByteCounter:
    """Adds up the bytes that every file's download reports, for one progress callback."""

    def __init__(self, total: int, progress: DownloadProgress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        if progress is not None:
            progress(0, total)

    def add(self, count: float | None) -> None:
        self.done += int(count or 0)
        if self.progress is not None:
            self.progress(min(self.done, self.total) if self.total else self.done, self.total)

    def tqdm_class(self) -> Any:
        from huggingface_hub.utils import tqdm as hf_tqdm

        counter = self

        class _Bar(hf_tqdm):
            """A silent progress bar that forwards byte counts to the counter."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["disable"] = True
                super().__init__(*args, **kwargs)

            def update(self, n: float | None = 1) -> bool | None:
                counter.add(n)
                return super().update(n)

            def update_transfer(self, n: float | None = 1) -> None:
                """Network bytes of xet transfers; the bytes written are counted instead."""

            def set_transfer_postfix_str(self, *args: Any, **kwargs: Any) -> None:
                """Per-file rates are not shown."""

        return _Bar
