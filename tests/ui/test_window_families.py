"""A specialist model family in the window: its card's modes only, no follow-ups (said why), and
the window's answer is the model card's own; Settings lists every family."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ocr.engine.families import BY_KEY, PROFILES
from desktop_ocr.engine.options import PixelBudget
from desktop_ocr.ui.window.question_box import PRESET_PREFIX
from tests.conftest import family_checkpoint
from tests.reference_families import card_generate, card_messages
from tests.ui.conftest import MAX_NEW, write_noise

pytestmark = pytest.mark.model


@pytest.fixture
def paddle(family_root: Path) -> Path:
    return family_checkpoint(family_root, "paddleocr-vl")


def card_answer(family: str, folder: Path, app, image: Path) -> str:
    """The model card's own answer to the window's default mode (text) on the image."""
    from PIL import Image

    profile = BY_KEY[family]
    budget = PixelBudget(app.settings.min_pixels, app.settings.max_pixels)
    with Image.open(image) as opened:
        picture = opened.convert("RGB")
    prompt = profile.prompts["text"]
    messages = card_messages(profile, picture, budget, prompt)
    text, ids, _p = card_generate(profile, folder, messages, budget, MAX_NEW)
    assert ids, "the card gave no token: the comparison would say nothing"
    return text


def enabled(box, data: str) -> bool:
    return box.model().item(box.findData(data)).isEnabled()


def test_a_specialist_offers_its_modes_only_and_answers_as_its_card(qtbot, make_app, paddle, tmp_path):
    app = make_app(model=str(paddle))
    profile = BY_KEY["paddleocr-vl"]
    box, follow_up = app.window.question.mode_box, app.window.view.follow_up
    assert not enabled(box, "custom") and not enabled(box, "describe")
    assert not any(enabled(box, box.itemData(row)) for row in range(box.count())
                   if str(box.itemData(row)).startswith(PRESET_PREFIX))  # fmt: skip
    assert enabled(box, "text") and enabled(box, "latex") and enabled(box, "codes")
    assert not follow_up.isEnabled() and "one question per image" in follow_up.placeholderText()
    assert box.toolTip() == profile.why_fixed

    image = write_noise(tmp_path / "line.png", 300, 100)
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.add_paths([image])
    record = app.records[done.args[0]]
    assert record.transcript() == card_answer("paddleocr-vl", paddle, app, image)  # the card's "OCR:"


@pytest.mark.parametrize("family", [profile.key for profile in PROFILES])
def test_every_family_answers_in_the_window_as_its_card(qtbot, make_app, family_root, family, tmp_path):
    folder = family_checkpoint(family_root, family)
    app = make_app(model=str(folder))
    assert app.window.question.mode_box.currentData() == "text"
    image = write_noise(tmp_path / "line.png", 300, 100)
    with qtbot.waitSignal(app.answer_ended, timeout=120_000) as done:
        app.add_paths([image])
    record = app.records[done.args[0]]
    assert record.transcript() == card_answer(family, folder, app, image)
    # The record (and so the history) says which model and family answered.
    assert record.model.startswith(f"{folder} ({BY_KEY[family].name})")


def test_settings_lists_every_family_and_a_pick_fills_the_model(qtbot):
    from desktop_ocr.config import Settings
    from desktop_ocr.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    editor = dialog.editor("model")
    listed = [editor.families.itemData(row) for row in range(1, editor.families.count())]
    assert listed == [profile.default_repo for profile in PROFILES]
    editor.families.activated.emit(listed.index(BY_KEY["glm-ocr"].default_repo) + 1)
    assert dialog.result_settings().model == BY_KEY["glm-ocr"].default_repo
    editor.set_value("/my/own/folder")  # a folder typed still works
    assert dialog.result_settings().model == "/my/own/folder"
