"""`python -m desktop_ocr`, and the PyInstaller bundle's entry script (hence the absolute import)."""

from desktop_ocr.cli import entry_point

if __name__ == "__main__":
    entry_point()
