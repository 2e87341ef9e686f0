"""`python -m desktop_ocr`."""

from .cli import entry_point

if __name__ == "__main__":
    entry_point()
