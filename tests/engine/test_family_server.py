"""A served model with a profile gets its card's prompts; the app's own images for Qwen2-VL only."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import Conversation, EngineError, prompt_for
from desktop_ocr.engine.server import ServerBackend, ServerOptions
from tests.conftest import noise_image
from tests.engine.test_server_logprobs import FakeOpenAI, fake_server  # noqa: F401 - the fixture


def _sent_content() -> list[dict]:
    return FakeOpenAI.requests[-1]["messages"][0]["content"]


def test_paddleocr_vl_on_a_server_is_asked_its_card_prompt(fake_server):  # noqa: F811
    remote = ServerBackend(ServerOptions(url=fake_server, model="PaddlePaddle/PaddleOCR-VL"))
    remote.generate(Conversation.start(noise_image(300, 100), prompt_for("latex")))
    content = _sent_content()
    assert [part["type"] for part in content] == ["image_url", "text"]
    assert content[1]["text"] == "Formula Recognition:"


def test_lighton_ocr_on_a_server_gets_the_image_alone_unresized(fake_server):  # noqa: F811
    remote = ServerBackend(ServerOptions(url=fake_server, model="lightonai/LightOnOCR-2-1B"))
    answer = remote.generate(Conversation.start(noise_image(300, 100), prompt_for("text")))
    assert [part["type"] for part in _sent_content()] == ["image_url"]
    assert answer.stats.resized_size == (300, 100)  # the server's processor resizes, as the card's


def test_a_specialist_on_a_server_refuses_a_free_prompt_before_sending(fake_server):  # noqa: F811
    remote = ServerBackend(ServerOptions(url=fake_server, model="zai-org/GLM-OCR"))
    sent = len(FakeOpenAI.requests)
    with pytest.raises(EngineError, match="takes no free prompt"):
        remote.generate(Conversation.start(noise_image(64, 64), "What is this?"))
    assert len(FakeOpenAI.requests) == sent


def test_a_model_without_a_profile_is_asked_the_apps_instruction(fake_server):  # noqa: F811
    remote = ServerBackend(ServerOptions(url=fake_server, model="fake"))
    answer = remote.generate(Conversation.start(noise_image(300, 100), prompt_for("latex")))
    assert _sent_content()[1]["text"] == prompt_for("latex")
    assert answer.stats.visual_tokens > 0  # qwen-vl-utils sized it here, as before


def test_paddleocr_vl_1_5_on_a_server_spots_on_the_cards_doubled_picture(fake_server):  # noqa: F811
    import base64
    import io

    from PIL import Image

    remote = ServerBackend(ServerOptions(url=fake_server, model="PaddlePaddle/PaddleOCR-VL-1.5"))
    sizes = []
    for prompt in ("Spotting:", "OCR:"):
        remote.generate(Conversation.start(noise_image(300, 100), prompt))
        url = _sent_content()[0]["image_url"]["url"]
        with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as sent:
            sizes.append(sent.size)
    assert sizes == [(600, 200), (300, 100)]
