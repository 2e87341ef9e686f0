"""One image and the questions asked about it, as chat messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PIL import Image


@dataclass
class Turn:
    question: str
    answer: str | None = None


@dataclass
class Conversation:
    """The image is sent once, with the first question; later turns are text only."""

    image: Image.Image
    turns: list[Turn] = field(default_factory=list)

    @classmethod
    def start(cls, image: Image.Image, question: str) -> Conversation:
        return cls(image=image, turns=[Turn(question)])

    def ask(self, question: str) -> None:
        """Add a follow-up; an unanswered (cancelled or failed) last question is replaced."""
        if not question.strip():
            raise ValueError("the question is empty")
        if self.turns and self.turns[-1].answer is None:
            self.turns[-1] = Turn(question)
        else:
            self.turns.append(Turn(question))

    @property
    def pending(self) -> Turn:
        """The question awaiting an answer."""
        if not self.turns or self.turns[-1].answer is not None:
            raise ValueError("no question is waiting for an answer")
        return self.turns[-1]

    def answer(self, text: str) -> None:
        self.pending.answer = text

    def messages(self, image_part: dict[str, Any]) -> list[dict[str, Any]]:
        """Chat messages up to the pending question; `image_part` is the image's content entry."""
        messages: list[dict[str, Any]] = []
        for index, turn in enumerate(self.turns):
            content: list[dict[str, Any]] = [{"type": "text", "text": turn.question}]
            if index == 0:
                content.insert(0, image_part)
            messages.append({"role": "user", "content": content})
            if turn.answer is not None:
                messages.append({"role": "assistant", "content": [{"type": "text", "text": turn.answer}]})
        return messages
