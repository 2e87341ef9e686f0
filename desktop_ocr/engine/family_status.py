"""What Settings' model list shows next to each profile: downloaded, converted for OpenVINO."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .families import PROFILES, ModelProfile
from .options import DEFAULT_WEIGHTS, WeightFormat


@dataclass(frozen=True)
class ProfileStatus:
    """One row of the model list: the profile, its suggested repo, and what is on disk for it."""

    profile: ModelProfile
    repo: str
    downloaded: bool
    converted: bool  # an OpenVINO IR of the download exists in the given weight format

    def describe(self) -> str:
        marks = [word for word, on in (("downloaded", self.downloaded), ("converted", self.converted)) if on]
        return self.profile.describe() + (f" · {', '.join(marks)}" if marks else "")


def downloaded_folder(repo: str) -> Path | None:
    """The cached snapshot of a hub repo, or None; never downloads."""
    from .download import _cached_snapshot

    return _cached_snapshot(repo)


def is_converted_for(folder: Path, weights: WeightFormat = DEFAULT_WEIGHTS) -> bool:
    from .openvino_convert import converted_folder, is_converted

    return is_converted(converted_folder(folder, weights))


def profile_statuses(weights: WeightFormat = DEFAULT_WEIGHTS) -> list[ProfileStatus]:
    """Every profile's suggested repo with its download and conversion state (reads disk only)."""
    rows = []
    for profile in PROFILES:
        folder = downloaded_folder(profile.default_repo)
        converted = folder is not None and profile.openvino and is_converted_for(folder, weights)
        rows.append(ProfileStatus(profile, profile.default_repo, folder is not None, converted))
    return rows


def profile_of(model: str) -> ModelProfile | None:
    """The profile of a hub id or local folder without loading it; None while it is not on disk yet.

    Raises UnknownArchitectureError (one line) for a config.json no profile covers.
    """
    from .families import profile_for_folder, profile_for_model

    known = profile_for_model(model)
    if known is not None:
        return known
    folder = Path(model).expanduser()
    if not (folder / "config.json").is_file():
        cached = downloaded_folder(model)
        if cached is None:
            return None
        folder = cached
    return profile_for_folder(folder, model)
