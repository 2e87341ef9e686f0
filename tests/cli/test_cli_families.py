"""`desktop-ocr --cli` on every profiled family prints its model card's own answer, token for token:
a mode picks the card's prompt, and a specialist's other tasks are asked by typing the card's prompt."""

from __future__ import annotations

import pytest
from PIL import Image

from desktop_ocr.cli import build_parser, engine_options
from desktop_ocr.engine.families import BY_KEY, PROFILES
from desktop_ocr.engine.prompts import Mode
from tests.cli_in_process import run_main
from tests.conftest import family_checkpoint, noise_image
from tests.reference_families import card_budget, card_generate, card_messages

pytestmark = pytest.mark.model

MAX_NEW = 24
MODES = {m.value for m in Mode}


def cli_cases() -> list[tuple[str, str]]:
    """Each family's text mode, and the first card task a mode does not reach (typed as a prompt)."""
    cases = []
    for profile in PROFILES:
        cases.append((profile.key, "text"))
        typed = [mode for mode in profile.modes if mode not in MODES]
        if typed:
            cases.append((profile.key, typed[0]))
    return cases


@pytest.mark.parametrize(("family", "mode"), cli_cases())
def test_the_cli_prints_the_cards_answer(family_root, family, mode, tmp_path):
    profile = BY_KEY[family]
    folder = family_checkpoint(family_root, family)
    page = tmp_path / "page.png"
    noise_image(300, 100, seed=3).save(page)
    asked = ["--mode", mode] if mode in MODES else ["--prompt", str(profile.prompts[mode])]
    argv = ["--cli", "--backend", "transformers", "--model", str(folder), "--dtype", "float32"]
    argv += ["--max-new-tokens", str(MAX_NEW), *asked, str(page)]

    ran = run_main(argv)

    assert ran.returncode == 0, ran.stderr.decode()
    budget = engine_options(build_parser().parse_args(argv)).budget  # what the CLI itself gives the engine
    with Image.open(page) as opened:
        picture = opened.convert("RGB")
    prompt = profile.prompts[mode]
    messages = card_messages(profile, picture, budget, prompt)
    text, ids, _p = card_generate(profile, folder, messages, card_budget(profile, budget, prompt), MAX_NEW)
    assert ids, "the card gave no token: the comparison would say nothing"
    assert ran.stdout.decode() == text
