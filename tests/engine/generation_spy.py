"""Records what a backend's real `generate` answered, so a test can see that a path generated."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_ocr.engine import Answer, Conversation


def spy_on_generate(monkeypatch: pytest.MonkeyPatch, backend: Any) -> list[tuple[Conversation, Answer]]:
    """Wrap the instance's own `generate` (which still runs) and collect each call's answer."""
    calls: list[tuple[Conversation, Answer]] = []
    real = backend.generate

    def recording(conversation: Conversation, *args: Any, **kwargs: Any) -> Answer:
        answer = real(conversation, *args, **kwargs)
        calls.append((conversation, answer))
        return answer

    monkeypatch.setattr(backend, "generate", recording)
    return calls
