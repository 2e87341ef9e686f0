"""Screenshots of the window for the README, light and dark, made under Xvfb.

    xvfb-run -s "-screen 0 1600x1000x24" python -m desktop_ocr._dev.screenshots docs/screenshots

The window runs on a tiny random checkpoint (built on the spot, offline) with its history in a
temporary folder. Three images go through the real window and model; since a random model
writes gibberish, each record's answer is then replaced by a sample text with sample token
probabilities (the marks under the uncertain ones are the real pane's and editor's).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QPalette

    from ..engine.confidence import TokenInfo

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
    NOTE: {},
}


def _tokens(text: str, uncertain: dict[str, tuple[float, str]]) -> tuple[TokenInfo, ...]:
    """`text` in word-sized tokens whose texts join to it; the `uncertain` pieces get their p."""
    from ..engine.confidence import Alternative, TokenInfo

    splitter = "|".join([*map(re.escape, uncertain), r"\s+"])
    pieces = [piece for piece in re.split(f"({splitter})", text) if piece]
    tokens = []
    for index, piece in enumerate(pieces):
        p, instead = uncertain.get(piece, (0.98, piece[::-1]))
        tokens.append(TokenInfo(index, piece, p, (Alternative(0, instead, round(1 - p - 0.05, 2)),)))
    return tuple(tokens)


def _formula_image(path: Path) -> Path:
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from ..render.math import MathJaxRenderer

    formula = MathJaxRenderer().render(r"\int_{-\infty}^{\infty} e^{-a x^2}\,dx = \sqrt{\frac{\pi}{a}}", True)
    image = QImage(640, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    svg = QSvgRenderer(QByteArray(formula.svg.replace("currentColor", "black").encode()))
    scale = 48
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width, height = formula.width_em * scale, (formula.ascent_em + formula.depth_em) * scale
    svg.render(painter, QRectF((640 - width) / 2, (200 - height) / 2, width, height))
    painter.end()
    image.save(str(path))
    return path


def _text_image(path: Path, text: str, size: tuple[int, int]) -> Path:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("#fbfaf5"))
    painter = QPainter(image)
    painter.setPen(QColor("#222222"))
    painter.setFont(QFont("DejaVu Sans", 22))
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    painter.drawText(QRect(24, 0, size[0] - 48, size[1]), int(flags), text)
    painter.end()
    image.save(str(path))
    return path


def _dark_palette() -> QPalette:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#2b2b2b",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#3a3a3a",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.Light: "#4a4a4a",
        QPalette.ColorRole.Midlight: "#3f3f3f",
        QPalette.ColorRole.Mid: "#333333",
        QPalette.ColorRole.Dark: "#202020",
        QPalette.ColorRole.Shadow: "#151515",
        QPalette.ColorRole.Link: "#7fb0ff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    return palette


def main(out: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .checkpoint import build_checkpoint

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    from ..core.settings_store import Settings
    from ..ui.application import App

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = build_checkpoint(folder / "tiny-test-model", "native")
        images = [  # oldest first: the list shows the newest on top
            (_text_image(folder / "notes.png", NOTE.strip(), (640, 160)), NOTE),
            (_text_image(folder / "invoice.png", INVOICE.replace("\n\n", "\n").strip(), (520, 180)), INVOICE),
            (_formula_image(folder / "gaussian.png"), GAUSSIAN),
        ]
        for name, palette in (("light", app.style().standardPalette()), ("dark", _dark_palette())):
            app.setPalette(palette)
            settings = Settings(
                model=str(model), device="cpu", dtype="float32", max_new_tokens=8,
                history_location=str(folder / f"history-{name}"), notify=False,
            )  # fmt: skip
            store = QSettings(str(folder / f"{name}.ini"), QSettings.Format.IniFormat)
            ocr = App(settings, store, persist=False)
            window = ocr.window
            window.resize(1280, 720)
            window.show()
            window.question.mode_box.setCurrentIndex(window.question.mode_box.findData("markdown"))
            for path, answer in images:
                (record_id,) = ocr.add_paths([path])
                while ocr.records[record_id].state.value != "done":
                    app.processEvents()
                record = ocr.records[record_id]
                record.turns[-1].answer = answer  # the sample, as if the model had written it
                record.tokens = [_tokens(answer, UNCERTAIN[answer])]
                ocr.session.record_changed.emit(record_id)
            for _ in range(30):
                app.processEvents()
            window.grab().save(str(out / f"window-{name}.png"))
            window.close()
    print(f"wrote {out}/window-light.png and window-dark.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
