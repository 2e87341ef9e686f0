"""The README screenshots' inputs: pictures and a 3-page PDF, and the stand-in's answer to each.

Each picture is drawn (Qt, formulas by the app's MathJax) with the content its prepared answer
transcribes, so that what the window shows beside the answer is the page it was read from.
Needs a QGuiApplication (offscreen is enough).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from .pdfs import make_pdf
from .standin_server import Prepared

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QPainter

GAUSSIAN = r"""## Gaussian integral

For $a > 0$ the integral converges:

$$\int_{-\infty}^{\infty} e^{-a x^2}\,dx = \sqrt{\frac{\pi}{a}}$$

| $a$ | value |
|---|---|
| 1 | $\sqrt{\pi} \approx 1.7725$ |
| 2 | $\sqrt{\pi/2} \approx 1.2533$ |
"""
INVOICE = "Invoice 2024-017\n\nTotal: 1,284.50 € due 12 March\n"
NOTE = "Meeting notes: ship the history panel on Friday, then the PDF import.\n"
# (piece of the answer, its probability, what the model nearly wrote instead)
UNCERTAIN = {
    GAUSSIAN: {"converges": (0.34, "convergés"), "1.2533": (0.27, "1.2583")},
    INVOICE: {"017": (0.41, "Ol7"), "1,284.50": (0.22, "1,234.50")},
}
REPORT = [
    "# Quarterly report, Q3 2026\n\nSales rose 12 % over the quarter, led by the new scanner line.\n"
    "Returns fell to 1.8 % of orders.\n",
    "## Sales by region\n\n| Region | Q2 | Q3 |\n|---|---|---|\n| North | 410 | 468 |\n"
    "| South | 352 | 377 |\n| Online | 129 | 171 |\n",
    "## Outlook\n\nSales are modelled as $S_{t+1} = S_t\\,(1 + g)$ with $g = 0.04$ a quarter:\n\n"
    "$$S_{t+n} = S_t\\,(1 + g)^n$$\n",
]
REPORT_NAME = "quarterly-report.pdf"


class _Page:
    """Draws Markdown-like blocks (headings, paragraphs with $…$, $$…$$, pipe tables) top down."""

    def __init__(self, width: int, height: int, paper: str) -> None:
        from PySide6.QtGui import QColor, QImage, QPainter

        from ..render.math import default_math_renderer

        self.image = QImage(width, height, QImage.Format.Format_RGB32)
        self.image.fill(QColor(paper))
        self.painter = QPainter(self.image)
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.math = default_math_renderer()
        self.y, self.width = 28, width

    def _font(self, size: int, bold: bool = False) -> None:
        from PySide6.QtGui import QColor, QFont

        font = QFont("DejaVu Serif", size)
        font.setBold(bold)
        self.painter.setFont(font)
        self.painter.setPen(QColor("#222222"))

    def _formula(
        self, painter: QPainter, tex: str, x: float, baseline: float, size: float, display: bool
    ) -> float:
        """Draw `tex` with its baseline at `baseline`; its width."""
        from PySide6.QtCore import QByteArray, QRectF
        from PySide6.QtSvg import QSvgRenderer

        svg = self.math.render(tex, display)
        renderer = QSvgRenderer(QByteArray(svg.svg.replace("currentColor", "#222222").encode()))
        width, height = svg.width_em * size, (svg.ascent_em + svg.depth_em) * size
        renderer.render(painter, QRectF(x, baseline - svg.ascent_em * size, width, height))
        return width

    def _runs(self, text: str, x: float, baseline: float, size: int) -> float:
        """Text with inline $…$ formulas from x on one line; where it ends."""
        for index, run in enumerate(re.split(r"\$([^$]+)\$", text)):
            if index % 2:
                x += self._formula(self.painter, run, x, baseline, size * 1.35, False)
            elif run:
                self.painter.drawText(int(x), int(baseline), run)
                x += self.painter.fontMetrics().horizontalAdvance(run)
        return x

    def markdown(self, text: str) -> None:
        for block in text.strip().split("\n\n"):
            if block.startswith("#"):
                level = len(block) - len(block.lstrip("#"))
                self._font(26 if level == 1 else 21, bold=True)
                self._line(block.lstrip("# "), 40)
            elif block.startswith("$$"):
                svg = self.math.render(block.strip("$\n"), True)
                size = 30
                width = svg.width_em * size
                self.y += int(svg.ascent_em * size) + 8
                self._formula(self.painter, block.strip("$\n"), (self.width - width) / 2, self.y, size, True)
                self.y += int(svg.depth_em * size) + 24
            elif block.startswith("|"):
                self._table([row.strip("|").split("|") for row in block.splitlines() if "---" not in row])
            else:
                self._font(16)
                for line in block.splitlines():
                    self._line(line, 30)
                self.y += 12

    def _line(self, text: str, height: int) -> None:
        self.y += height
        self._runs(text, 36, self.y - 8, self.painter.font().pointSize())

    def _table(self, rows: list[list[str]]) -> None:
        from PySide6.QtGui import QColor

        column, height, left = 220, 40, 36
        for number, cells in enumerate(rows):
            self._font(16, bold=number == 0)
            for index, cell in enumerate(cells):
                self._runs(cell.strip(), left + 12 + index * column, self.y + 27, 16)
            self.painter.setPen(QColor("#555555"))
            self.painter.drawLine(left, self.y + height, left + column * len(cells), self.y + height)
            self.y += height
        self.y += 16

    def done(self) -> QImage:
        self.painter.end()
        return self.image


def _pil(image: QImage) -> Image.Image:
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes a str; its stubs say bytes
    import io

    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGB")


def _picture(markdown: str, size: tuple[int, int], paper: str = "#fbfaf5") -> Image.Image:
    page = _Page(*size, paper)
    page.markdown(markdown)
    return _pil(page.done())


def _rendered_pages(pdf: Path) -> list[Image.Image]:
    """The PDF's pages as pdfium draws them: what the app sends, up to its resizing."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[index].render(scale=1).to_pil().convert("RGB") for index in range(len(document))]
    finally:
        document.close()


def make_inputs(folder: Path) -> tuple[list[Path], Path, list[Prepared]]:
    """The pictures (in the order they are handed in), the PDF, and the stand-in's answers."""
    folder.mkdir(parents=True, exist_ok=True)
    pictures = {
        "meeting-notes.png": (NOTE, (760, 150)),
        "invoice-2024-017.png": (INVOICE, (560, 200)),
        "gaussian-integral.png": (GAUSSIAN, (720, 380)),
    }
    paths, prepared = [], []
    for name, (answer, size) in pictures.items():
        picture = _picture(answer, size)
        picture.save(folder / name)
        paths.append(folder / name)
        prepared.append(Prepared(picture, answer, UNCERTAIN.get(answer, {})))
    pdf = make_pdf(folder / REPORT_NAME, [_picture(page, (720, 560), "white") for page in REPORT])
    for page, answer in zip(_rendered_pages(pdf), REPORT, strict=True):
        prepared.append(Prepared(page, answer))
    return paths, pdf, prepared
