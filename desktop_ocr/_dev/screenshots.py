"""Screenshots of the window for the README, light and dark, made under Xvfb.

    xvfb-run -s "-screen 0 1280x800x24" python -m desktop_ocr._dev.screenshots resources/screenshots

The window runs on a tiny random checkpoint (built on the spot, offline), so the answer
shown is a sample text set as the user's corrected answer, not model output.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QPalette

SAMPLE = r"""## Gaussian integral

For $a > 0$ the integral converges:

$$\int_{-\infty}^{\infty} e^{-a x^2}\,dx = \sqrt{\frac{\pi}{a}}$$

| $a$ | value |
|---|---|
| 1 | $\sqrt{\pi} \approx 1.7725$ |
| 2 | $\sqrt{\pi/2} \approx 1.2533$ |
"""


def _sample_image(path: Path) -> Path:
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
    from ..ui.main_window import MainWindow
    from ..ui.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        model = build_checkpoint(Path(tmp) / "tiny", "native")
        image = _sample_image(Path(tmp) / "gaussian.png")
        for name, palette in (("light", app.style().standardPalette()), ("dark", _dark_palette())):
            app.setPalette(palette)
            store = QSettings(str(Path(tmp) / f"{name}.ini"), QSettings.Format.IniFormat)
            settings = Settings(model=str(model), device="cpu", dtype="float32", max_new_tokens=8)
            window = MainWindow(settings, store, persist=False)
            window.resize(1200, 640)
            window.show()
            window.mode_box.setCurrentIndex(window.mode_box.findData("markdown"))
            (item_id,) = window.add_paths([image])
            while window.items[item_id].state.value != "done":
                app.processEvents()
            window.source.setPlainText(SAMPLE)
            for _ in range(20):
                app.processEvents()
            window.grab().save(str(out / f"window-{name}.png"))
            window.shut_down()
            window.close()
    print(f"wrote {out}/window-light.png and window-dark.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots"))
