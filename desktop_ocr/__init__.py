"""desktop-ocr: screen regions and images to text, Markdown and LaTeX with a local VLM."""

__version__ = "0.1.0"
