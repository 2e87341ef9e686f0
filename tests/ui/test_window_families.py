"""A specialist model family in the window: its card's modes only, no follow-ups (said why), and
the window's answer is the model card's own; Settings lists every family."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ocr.engine.families import BY_KEY, PROFILES
from desktop_ocr.engine.options import PixelBudget
from desktop_ocr.ui.window.question_box import PRESET_PREFIX
from tests.reference_families import card_generate, card_messages
from tests.ui.conftest import write_noise

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def paddle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop_ocr._dev.family_checkpoints import build_family_checkpoint

    return build_family_checkpoint(tmp_path_factory.mktemp("families") / "paddleocr-vl", "paddleocr-vl")


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
    budget = PixelBudget(app.settings.min_pixels, app.settings.max_pixels)
    from PIL import Image

    with Image.open(image) as opened:
        picture = opened.convert("RGB")
    text, _ids, _p = card_generate(
        profile, paddle, card_messages(profile, picture, budget, profile.prompts["text"]), budget, 48
    )
    assert record.transcript() == text  # the window asked the card's "OCR:" and got its answer


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
