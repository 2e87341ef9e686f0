"""What the model is asked, per recognition mode."""

from __future__ import annotations

from enum import Enum


class Mode(str, Enum):
    TEXT = "text"
    LATEX = "latex"
    MARKDOWN = "markdown"
    DESCRIBE = "describe"


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
    """The instruction for a mode."""
    return PROMPTS[Mode(mode)]
