"""The model families the app runs, one profile each: classes, prompts, what the UI may offer.

Prompts are the model cards' own. The general families (Qwen2-VL, Qwen2.5-VL, Qwen3-VL) take
the app's instructions, free prompts, presets and follow-ups; the OCR specialists were trained
on a fixed task prompt each (or on the image alone) and answer one question per image.

Pixels per visual token are NOT stored here: they are read from the loaded processor
(engine/family_images.py), since a fine-tune may ship its own patch size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EngineError, Hint
from .options import MAX_BUDGET_TOKENS, PIXELS_PER_TOKEN, PixelBudget
from .prompts import PROMPTS, Mode

if TYPE_CHECKING:
    from PIL import Image

# How the image reaches the processor, as each card does it.
QWEN_VL_UTILS = "qwen-vl-utils"  # Qwen2-VL's card: process_vision_info resizes first
PROCESSOR = "processor"  # every other card: the PIL image straight into the processor

_THINK = re.compile(r"<think>.*?</think>\s*", re.DOTALL)


def strip_think(text: str) -> str:
    """Drop reasoning blocks; a still-open block at the end is dropped too."""
    text = _THINK.sub("", text)
    start = text.find("<think>")
    return text[:start] if start >= 0 else text


def keep(text: str) -> str:
    return text


class UnknownArchitectureError(EngineError):
    """A model whose config.json names an architecture no profile covers."""


@dataclass(frozen=True)
class PromptImage:
    """How a card prepares the picture for one of its prompts, where that differs from the rest."""

    upscale_below: int  # a picture with both sides under this many pixels is enlarged first
    upscale: int  # by this factor, LANCZOS
    token_share: float  # the visual-token cap for this prompt, as a share of the budget's cap

    def prepare(self, image: Image.Image) -> Image.Image:
        from PIL import Image

        width, height = image.size
        if width < self.upscale_below and height < self.upscale_below:
            size = (width * self.upscale, height * self.upscale)
            return image.resize(size, Image.Resampling.LANCZOS)
        return image

    def budget(self, budget: PixelBudget) -> PixelBudget:
        cap = min(round(budget.max_pixels * self.token_share), MAX_BUDGET_TOKENS * PIXELS_PER_TOKEN)
        return replace(budget, max_pixels=max(cap, budget.min_pixels))


@dataclass(frozen=True)
class ModelProfile:
    """One family: how to load it, what to ask it, what it is for."""

    key: str
    name: str
    model_types: tuple[str, ...]  # config.json "model_type" values of this family
    repos: tuple[str, ...]  # hub ids, the suggested one first
    # Mode value → the card's prompt (None: the image alone, no text).
    prompts: Mapping[str, str | None]
    allows_free_prompt: bool
    allows_presets: bool
    allows_follow_ups: bool
    image_flow: str
    parameters: str
    download_gb: float
    licence: str
    good_at: str
    card: str  # where the prompts and scores come from
    # optimum-intel's converter exports it and OpenVINO GenAI's VLMPipeline runs it; where
    # not, why not (one clause, with what each said: README "Model families").
    openvino: bool
    why_not_openvino: str = ""
    clean_answer: Callable[[str], str] = field(default=keep)
    drop_inputs: tuple[str, ...] = ()  # processor outputs the card removes before generate()
    why_fixed: str = ""  # why free prompts, presets and follow-ups are off (for the window)
    # The card's prompt → its own picture preparation (e.g. PaddleOCR-VL-1.5's text spotting).
    prompt_images: Mapping[str, PromptImage] = field(default_factory=dict)

    @property
    def default_repo(self) -> str:
        return self.repos[0]

    @property
    def modes(self) -> tuple[str, ...]:
        return tuple(self.prompts)

    def describe(self) -> str:
        """One line for --list-models and Settings' model list."""
        asks = "any question" if self.allows_free_prompt else "modes " + ", ".join(self.modes)
        return (
            f"{self.name}: {self.default_repo} · {self.parameters} · ~{self.download_gb:g} GB · "
            f"{self.licence} · {self.good_at} · {asks}"
        )

    def prompt_image(self, first_question: str) -> PromptImage | None:
        """The card's own picture preparation for this question's prompt, if it has one."""
        return self.prompt_images.get(self.question_for(first_question, 0) or "")

    def question_for(self, question: str, turn: int) -> str | None:
        """The text sent for a question: an app mode's instruction becomes the card's prompt.

        Specialists refuse free questions and follow-ups with one line (EngineError).
        """
        mode = _MODE_OF_PROMPT.get(question)
        if turn > 0 and not self.allows_follow_ups:
            raise EngineError(f"{self.name} answers one question per image; {self.why_fixed}")
        if mode is not None and mode in self.prompts:
            return self.prompts[mode]
        if question in self.prompts.values():
            return question  # the card's own prompt, typed as a prompt (e.g. "Table Recognition:")
        if self.allows_free_prompt:
            return question
        if mode is not None:
            raise EngineError(f"{self.name} has no {mode} mode; its modes are {', '.join(self.modes)}")
        raise EngineError(f"{self.name} takes no free prompt; {self.why_fixed}")


_MODE_OF_PROMPT = {prompt: mode.value for mode, prompt in PROMPTS.items()}
_APP_PROMPTS: dict[str, str | None] = {mode.value: prompt for mode, prompt in PROMPTS.items()}
_SPECIALIST = "it was trained on its card's task prompts only, and ignores anything else"

# The converter refuses paddleocr_vl ("a custom or unsupported architecture"); GenAI has none.
_PADDLE_NO_OPENVINO = "OpenVINO's converter does not export it"

PADDLE_PROMPTS: dict[str, str | None] = {
    Mode.TEXT.value: "OCR:",
    Mode.LATEX.value: "Formula Recognition:",
    "table": "Table Recognition:",
    "chart": "Chart Recognition:",
}

PROFILES: tuple[ModelProfile, ...] = (
    ModelProfile(
        key="qwen2-vl",
        name="Qwen2-VL-OCR-2B",
        model_types=("qwen2_vl",),
        repos=("prithivMLmods/Qwen2-VL-OCR-2B-Instruct", "Qwen/Qwen2-VL-2B-Instruct"),
        prompts=_APP_PROMPTS,
        allows_free_prompt=True,
        allows_presets=True,
        allows_follow_ups=True,
        image_flow=QWEN_VL_UTILS,
        parameters="2.2B",
        download_gb=4.4,
        licence="Apache-2.0",
        good_at="screen text, LaTeX, questions about the image (the app's default)",
        card="https://huggingface.co/prithivMLmods/Qwen2-VL-OCR-2B-Instruct",
        openvino=True,
    ),
    ModelProfile(
        key="qwen2.5-vl",
        name="Qwen2.5-VL",
        model_types=("qwen2_5_vl",),
        repos=("Qwen/Qwen2.5-VL-3B-Instruct", "allenai/olmOCR-2-7B-1025", "nanonets/Nanonets-OCR2-3B"),
        prompts=_APP_PROMPTS,
        allows_free_prompt=True,
        allows_presets=True,
        allows_follow_ups=True,
        image_flow=QWEN_VL_UTILS,  # its card, too, resizes with process_vision_info
        parameters="3.8B (3B) / 8.3B (7B)",
        download_gb=7.5,
        licence="Qwen research licence (3B), Apache-2.0 (7B)",
        good_at="general questions; olmOCR-2 and Nanonets-OCR2 fine-tunes for pages, mostly on servers",
        card="https://huggingface.co/Qwen/Qwen2.5-VL-3B-Instruct",
        openvino=True,
    ),
    ModelProfile(
        key="qwen3-vl",
        name="Qwen3-VL",
        model_types=("qwen3_vl",),
        repos=("Qwen/Qwen3-VL-2B-Instruct", "Qwen/Qwen3-VL-4B-Instruct"),
        prompts=_APP_PROMPTS,
        allows_free_prompt=True,
        allows_presets=True,
        allows_follow_ups=True,
        image_flow=PROCESSOR,
        parameters="2.1B (2B) / 4.4B (4B)",
        download_gb=4.3,
        licence="Apache-2.0",
        good_at="successor of the default: free questions, follow-ups, 32 languages of OCR",
        card="https://huggingface.co/Qwen/Qwen3-VL-2B-Instruct",
        openvino=True,
        clean_answer=strip_think,  # the Thinking variants answer after a <think> block
    ),
    ModelProfile(
        key="paddleocr-vl",
        name="PaddleOCR-VL",
        model_types=("paddleocr_vl",),
        repos=("PaddlePaddle/PaddleOCR-VL",),
        prompts=PADDLE_PROMPTS,
        allows_free_prompt=False,
        allows_presets=False,
        allows_follow_ups=False,
        image_flow=PROCESSOR,
        parameters="0.9B",
        download_gb=1.9,
        licence="Apache-2.0",
        good_at="text, formulas, tables and charts in 109 languages, fast on a CPU",
        card="https://huggingface.co/PaddlePaddle/PaddleOCR-VL",
        openvino=False,
        why_not_openvino=_PADDLE_NO_OPENVINO,
        why_fixed=_SPECIALIST,
    ),
    ModelProfile(
        key="paddleocr-vl-1.5",
        name="PaddleOCR-VL-1.5",
        model_types=("paddleocr_vl",),
        repos=("PaddlePaddle/PaddleOCR-VL-1.5",),
        prompts={**PADDLE_PROMPTS, "spotting": "Spotting:", "seal": "Seal Recognition:"},
        allows_free_prompt=False,
        allows_presets=False,
        allows_follow_ups=False,
        image_flow=PROCESSOR,
        parameters="0.9B",
        download_gb=1.9,
        licence="Apache-2.0",
        good_at="as PaddleOCR-VL, plus seals and skewed, warped or photographed pages",
        card="https://huggingface.co/PaddlePaddle/PaddleOCR-VL-1.5",
        openvino=False,
        why_not_openvino=_PADDLE_NO_OPENVINO,
        why_fixed=_SPECIALIST,
        # The card's spotting: a picture under 1500 px on both sides is doubled, and the cap is
        # 2048 visual tokens instead of 1280 (the app's default cap, scaled alike).
        prompt_images={"Spotting:": PromptImage(upscale_below=1500, upscale=2, token_share=2048 / 1280)},
    ),
    ModelProfile(
        key="glm-ocr",
        name="GLM-OCR",
        model_types=("glm_ocr",),
        repos=("zai-org/GLM-OCR",),
        prompts={
            Mode.TEXT.value: "Text Recognition:",
            Mode.LATEX.value: "Formula Recognition:",
            "table": "Table Recognition:",
        },
        allows_free_prompt=False,
        allows_presets=False,
        allows_follow_ups=False,
        image_flow=PROCESSOR,
        parameters="0.9B",
        download_gb=2.5,
        licence="MIT",
        good_at="text, formulas and tables on document pages",
        card="https://huggingface.co/zai-org/GLM-OCR",
        openvino=False,
        # The converter's transformers (5.0.0) has no glm_ocr; GenAI has no GLM model either.
        why_not_openvino="OpenVINO's converter does not export it",
        clean_answer=strip_think,
        drop_inputs=("token_type_ids",),  # as the card's inputs.pop("token_type_ids", None)
        why_fixed=_SPECIALIST,
    ),
    ModelProfile(
        key="lighton-ocr-2",
        name="LightOnOCR-2",
        model_types=("lighton_ocr",),
        repos=("lightonai/LightOnOCR-2-1B",),
        # The card sends the image alone and gets the page as Markdown.
        prompts={Mode.MARKDOWN.value: None, Mode.TEXT.value: None},
        allows_free_prompt=False,
        allows_presets=False,
        allows_follow_ups=False,
        image_flow=PROCESSOR,
        parameters="1.0B",
        download_gb=2.0,
        licence="Apache-2.0",
        good_at="whole pages to Markdown (tables, LaTeX), fast on a CPU",
        card="https://huggingface.co/lightonai/LightOnOCR-2-1B",
        openvino=False,
        # The converter exports the hub's Mistral3 layout, but VLMPipeline refuses the IR
        # ("Unsupported 'mistral3' VLM model type"); lighton_ocr folders do not export at all.
        why_not_openvino="OpenVINO GenAI does not run it",
        why_fixed="it was trained to read the image alone, without any question",
    ),
)

BY_KEY = {profile.key: profile for profile in PROFILES}
DEFAULT_PROFILE = BY_KEY["qwen2-vl"]


def profile_for_config(config: Mapping[str, object], model: str = "") -> ModelProfile:
    """The profile of a config.json's model_type; `model` (hub id or folder) picks among variants."""
    model_type = _model_type(config)
    matches = [profile for profile in PROFILES if model_type in profile.model_types]
    if not matches:
        architectures = config.get("architectures")
        if not isinstance(architectures, list) or not architectures:
            architectures = [model_type or "unknown"]
        names = ", ".join(str(name) for name in architectures)
        known = ", ".join(profile.name for profile in PROFILES)
        raise UnknownArchitectureError(
            f"{model or 'this model'} is a {names}, which the app has no profile for (it runs {known})",
            Hint.CHOOSE_MODEL_FOLDER,
        )
    lowered = model.lower().rstrip("/")
    for profile in matches:
        if any(lowered.endswith(repo.lower()) for repo in profile.repos):
            return profile
    return matches[0]


def _model_type(config: Mapping[str, object]) -> str:
    """config.json's model_type; LightOnOCR-2's hub config is a Mistral3 with a Qwen3 decoder."""
    model_type = str(config.get("model_type", ""))
    text = config.get("text_config")
    if model_type == "mistral3" and isinstance(text, Mapping) and text.get("model_type") == "qwen3":
        return "lighton_ocr"
    return model_type


def profile_for_folder(folder: Path, model: str = "") -> ModelProfile:
    """The profile of a downloaded or local model folder, from its config.json."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EngineError(f"cannot read {folder / 'config.json'}: {error}") from None
    if not isinstance(config, dict):
        raise EngineError(f"{folder / 'config.json'} is not a JSON object")
    return profile_for_config(config, model or str(folder))


def profile_for_model(model: str) -> ModelProfile | None:
    """The profile a hub id names without reading any file (None: read its config.json)."""
    lowered = model.lower()
    for profile in PROFILES:
        if lowered in (repo.lower() for repo in profile.repos):
            return profile
    return None
