"""The images the user gave, each with its conversation and what the pane shows for it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PIL import Image

from ..engine.conversation import Conversation
from ..engine.stats import GenerationStats
from ..render.markdown import as_markdown


class State(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class Item:
    item_id: int
    name: str
    image: Image.Image
    latex_mode: bool = False
    conversation: Conversation | None = None
    partial: str = ""  # the answer streaming in for the pending question
    state: State = State.QUEUED
    stats: GenerationStats | None = None
    error: str = ""
    edited: str | None = None  # the user's correction of the transcript, if any

    def transcript(self) -> str:
        """What the pane shows: the answers, each follow-up question quoted before its answer."""
        if self.edited is not None:
            return self.edited
        if self.conversation is None:
            return ""
        parts: list[str] = []
        turns = self.conversation.turns
        for index, turn in enumerate(turns):
            answer = turn.answer if turn.answer is not None else self.partial
            if index == 0 and len(turns) > 1:
                answer = as_markdown(answer, self.latex_mode)  # a bare formula among other turns
            if index > 0:
                parts.append(f"\n\n---\n\n> **{turn.question.strip()}**\n\n")
            parts.append(answer)
        return "".join(parts)

    @property
    def bare_latex(self) -> bool:
        """Whether the pane and the copy formats should read the text as one bare formula."""
        return self.latex_mode and self.conversation is not None and len(self.conversation.turns) == 1
