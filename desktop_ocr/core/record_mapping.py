"""The one mapping between the window's records (core/records.py) and the history's
(history/records.py): a session record written as a store record, and a stored record read back
with its stats and marks. Sources, states and turns are translated here and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..codes import Code
from ..engine.confidence import TokenInfo
from ..engine.conversation import Turn as EngineTurn
from ..engine.stats import GenerationStats, StopReason
from ..history import NewPage, NewRecord, Source
from ..history import Page as StoredPage
from ..history import Record as StoredRecord
from ..history import State as StoreState
from ..history import Turn as StoreTurn
from ..pages import PageResult
from .records import Record, SourceKind, State

CUSTOM = "custom"  # a record's mode when its question was typed, not a mode's or a preset's


def source_kind(source: Source) -> SourceKind:
    try:
        return SourceKind(source.value)
    except ValueError:
        return SourceKind.FILE  # stdin (`--cli - --record`) reads as a file without a path


def engine_turns(turns: Sequence[StoreTurn]) -> list[EngineTurn]:
    return [EngineTurn(turn.question, turn.answer) for turn in turns]


def session_state(state: StoreState) -> State:
    return {StoreState.DONE: State.DONE, StoreState.FAILED: State.FAILED}.get(state, State.CANCELLED)


def new_record_for(
    record: Record, turn: StoreTurn | None, state: StoreState, error: str, backend: Mapping[str, str]
) -> NewRecord:
    """A session record as the store keeps it (its images are added on the writer thread)."""
    custom = record.mode == CUSTOM
    codes: tuple[Code, ...] = tuple(record.codes or ())
    return NewRecord(
        source=Source(record.source.value),
        pages=[NewPage(None, [turn], codes=codes)] if turn else [],
        name=record.path or record.name,
        mode="" if custom else record.mode,
        prompt=record.question if custom else "",
        state=state,
        error=error,
        model=backend.get("model", ""),
        backend=backend.get("backend", ""),
        device=backend.get("device", ""),
        dtype=backend.get("dtype", ""),
        created=record.created.timestamp(),  # the session's local time, as the row showed it
    )


def record_from_stored(stored: StoredRecord) -> Record:
    """A stored record as the window shows it again: its answers, edit, stats and marks."""
    page = stored.pages[0] if stored.pages else None
    mode = stored.mode or CUSTOM
    question = stored.turns[0].question if stored.turns else stored.prompt
    record = Record(
        0, source_kind(stored.source), stored.name.rsplit("/", 1)[-1] or stored.source.value,
        mode, question,
        latex_mode=mode == "latex", path=stored.name if stored.source is Source.FILE else None,
        turns=engine_turns(page.turns if page else ()), edited=page.edited if page else None,
        state=session_state(stored.state),
        model=stored.model, error=stored.error, size=(page.width, page.height) if page else (0, 0),
        created=stored.created.astimezone().replace(tzinfo=None), codes=stored.codes,
    )  # fmt: skip
    stored_turns = page.turns if page else ()
    record.tokens = [stored_tokens(turn.probabilities) for turn in stored_turns]  # the marks
    record.stats = stored_stats(stored_turns[-1].stats) if stored_turns else None
    if stored.is_document:  # its pages under their markers; an edit is of the whole text
        record.pages = [stored_page(record.name, p) for p in stored.pages]
        record.edited = stored.edited
    if record.turns and record.turns[-1].answer == "" and record.state is not State.DONE:
        record.turns[-1].answer = None  # a stopped or failed question can be asked again
    return record


def stored_page(name: str, page: StoredPage) -> PageResult:
    """A stored document page as the window's: its text, and its last answer's stats and tokens
    (its marks; none where the page's text is not that answer)."""
    last = page.turns[-1] if page.turns else None
    tokens = stored_tokens(last.probabilities) if last is not None and page.edited is None else ()
    return PageResult(name, page.document_page, page.text, stored_stats(last.stats) if last else None, tokens)


def stored_stats(data: Mapping[str, Any]) -> GenerationStats | None:
    """The GenerationStats that history.stats_dict wrote (None for a turn recorded without any)."""
    if not data or "visual_tokens" not in data:
        return None
    try:
        return GenerationStats(
            original_size=tuple(data.get("original_size", (0, 0))),
            resized_size=tuple(data.get("resized_size", (0, 0))),
            visual_tokens=int(data.get("visual_tokens", 0)),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            new_tokens=int(data.get("new_tokens", 0)),
            time_to_first_token=data.get("time_to_first_token"),
            total_time=float(data.get("total_time", 0.0)),
            stop_reason=StopReason(data.get("stop_reason", StopReason.END.value)),
        )
    except (TypeError, ValueError):
        return None  # written by another version: no stats rather than no record


def stored_tokens(probabilities: Sequence[Any]) -> tuple[TokenInfo, ...]:
    """A turn's tokens (with their runner-ups) as recorded; () where they cannot be read."""
    try:
        return tuple(TokenInfo.from_json(entry) for entry in probabilities)
    except (KeyError, TypeError, ValueError):
        return ()
