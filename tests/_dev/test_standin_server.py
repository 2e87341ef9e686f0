"""The screenshots' stand-in server, through the app's real server backend: the right prepared
answer for the picture sent (whatever its size), streamed with the probabilities that make marks."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from desktop_ocr._dev.standin_server import Prepared, StandinServer
from desktop_ocr.engine import Conversation, prompt_for
from desktop_ocr.engine.server import ServerBackend, ServerOptions


def _picture(kind: str) -> Image.Image:
    picture = Image.new("RGB", (400, 200), "white")
    draw = ImageDraw.Draw(picture)
    if kind == "bars":
        for x in range(0, 400, 40):
            draw.rectangle((x, 0, x + 20, 200), fill="black")
    else:
        draw.ellipse((100, 20, 300, 180), fill="black")
    return picture


def test_the_nearest_pictures_answer_comes_with_its_uncertain_token():
    prepared = [
        Prepared(_picture("bars"), "Bars and stripes\n"),
        Prepared(_picture("disc"), "Total: 1,284.50 € due\n", {"1,284.50": (0.22, "1,234.50")}),
    ]
    with StandinServer(prepared) as server:
        remote = ServerBackend(ServerOptions(url=server.url))
        sent = _picture("disc").resize((560, 280))  # the app resizes to its pixel budget
        answer = remote.generate(Conversation.start(sent, prompt_for("text")))
    assert answer.text == "Total: 1,284.50 € due\n"
    assert "".join(token.text for token in answer.tokens) == answer.text
    unsure = [token for token in answer.tokens if token.p < 0.5]
    assert [(token.text, round(token.p, 2)) for token in unsure] == [("1,284.50", 0.22)]
    assert unsure[0].alternatives[0].text == "1,234.50"
    assert unsure[0].alternatives[0].p == pytest.approx(0.198)
    assert remote.model == "stand-in-prepared-answers"
