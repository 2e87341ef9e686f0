"""What the model is asked, per recognition mode."""

from __future__ import annotations

from enum import Enum


class Mode(str, Enum):
    TEXT = "text"
    LATEX = "latex"
    MARKDOWN = "markdown"
    DESCRIBE = "describe"
    # QR codes and barcodes only: read by desktop_ocr.codes, no model is loaded or asked.
    CODES = "codes"

    @property
    def asks_model(self) -> bool:
        return self in PROMPTS


class NoPromptError(ValueError):
    """A mode that no model answers (the codes mode) was given where a question is needed."""


PROMPTS: dict[Mode, str] = {
    Mode.TEXT: (
        "Extract all the text in this image exactly as it is written, keeping the line breaks. "
        "Output only the text."
    ),
    # The fine-tune's LaTeX_OCR training data uses exactly this instruction.
    Mode.LATEX: "Write the LaTeX representation for this image.",
    Mode.MARKDOWN: (
        "Convert this image to Markdown in reading order. Write tables as Markdown tables and "
        "mathematics as LaTeX, inline between $ and $ and displayed between $$ and $$. "
        "Output only the Markdown."
    ),
    Mode.DESCRIBE: "Describe this image.",
}


def prompt_for(mode: Mode | str) -> str:
    """The instruction for a mode; NoPromptError for the codes mode, which asks no model."""
    chosen = Mode(mode)
    if not chosen.asks_model:
        raise NoPromptError(f"the {chosen.value} mode reads codes without the model: it has no prompt")
    return PROMPTS[chosen]
