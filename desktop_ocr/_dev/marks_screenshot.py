"""The README's screenshot of uncertain-token marks (pane and source editor), made under Xvfb.

    xvfb-run -s "-screen 0 1280x800x24" python -m desktop_ocr._dev.marks_screenshot docs/screenshots

The text and its probabilities are a sample (the tests' random model writes gibberish), run
through the real uncertain_spans, pane and editor code.
"""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLE = [
    ("## Invoice 2024", 0.97),
    ("-0", 0.31),
    ("17", 0.93),
    ("\n\nTotal: ", 0.99),
    ("1,2", 0.95),
    ("84", 0.22),
    (".50 €, due ", 0.96),
    ("12", 0.98),
    (" Marcb", 0.18),
    ("\n\nRate $r = 0.0", 0.97),
    ("5", 0.41),
    ("$ per month.", 0.99),
]


def main(folder: str) -> None:
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QPlainTextEdit, QWidget

    from desktop_ocr.engine.confidence import Alternative, TokenInfo
    from desktop_ocr.render.marks import DEFAULT_UNCERTAIN_BELOW, uncertain_spans
    from desktop_ocr.render.math import default_math_renderer
    from desktop_ocr.ui.window.result_pane import ResultPane
    from desktop_ocr.ui.window.uncertain import SpanNavigator, mark_editor

    app = QApplication.instance() or QApplication(sys.argv)
    tokens = [
        TokenInfo(i, text, p, (Alternative(0, text.strip()[::-1] or "?", round(1 - p - 0.05, 2)),))
        for i, (text, p) in enumerate(SAMPLE)
    ]
    text = "".join(t.text for t in tokens)
    spans = uncertain_spans(tokens, DEFAULT_UNCERTAIN_BELOW)
    window = QWidget()
    layout = QHBoxLayout(window)
    pane = ResultPane(default_math_renderer())
    editor = QPlainTextEdit()
    layout.addWidget(pane)
    layout.addWidget(editor)
    window.resize(900, 260)
    window.setWindowTitle(SpanNavigator(spans).summary())
    window.show()
    pane.show_text(text, marks=spans)
    editor.setPlainText(text)
    mark_editor(editor, spans)
    for _ in range(20):
        app.processEvents()
    Path(folder).mkdir(parents=True, exist_ok=True)
    window.grab().save(str(Path(folder) / "uncertain-marks.png"))
    print(SpanNavigator(spans).summary())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
