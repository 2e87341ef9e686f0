"""The result pane and copying, read back through the real X clipboard (xclip)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QTextCursor, QTextTable
from PySide6.QtWidgets import QApplication

from desktop_ocr.render import export
from desktop_ocr.render.export import Delimiters
from desktop_ocr.render.math import default_math_renderer
from desktop_ocr.ui.window.result_pane import ResultPane
from tests.ui.conftest import write_noise

DOC = "Energy $E = mc^2$ holds.\n\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


def test_runs_on_a_real_x_server():
    assert QGuiApplication.platformName() == "xcb"


@pytest.fixture
def pane(qtbot):
    widget = ResultPane(default_math_renderer())
    widget.resize(600, 400)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def read_x_clipboard(qtbot) -> str:
    """xclip asks this process for the clipboard, so the Qt event loop must keep running."""
    assert shutil.which("xclip"), "xclip is installed by .ci/run"
    process = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"], stdout=subprocess.PIPE)
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=10_000)
    return process.stdout.read().decode()


def formula_image_position(pane: ResultPane, index: int) -> QPoint:
    """The viewport point at the centre of the `index`-th formula image."""
    document = pane.document()
    block = document.begin()
    found = -1
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isImageFormat():
                found += 1
                if found == index:
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    left = pane.cursorRect(cursor)
                    cursor.setPosition(fragment.position() + 1)
                    right = pane.cursorRect(cursor)
                    return QPoint((left.x() + right.x()) // 2, left.center().y())
            iterator += 1
        block = block.next()
    raise AssertionError("formula image not found")


def test_formulas_render_as_images_of_the_right_size(pane):
    pane.show_text(DOC)
    assert len(pane.document_model.formulas) == 2
    image = pane.loadResource(2, QUrl("formula:0"))
    assert image is not None and image.width() > 10
    assert image.devicePixelRatio() == pane.devicePixelRatioF()


def test_formula_images_follow_the_palette_text_colour(pane):
    palette = pane.palette()
    palette.setColor(QPalette.ColorRole.Text, QColor("#00ff00"))
    pane.setPalette(palette)
    pane.show_text("$$\\blacksquare$$")
    image = pane.loadResource(2, QUrl("formula:0"))
    colours = {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }
    assert "#00ff00" in colours


def test_inline_formula_sits_on_the_baseline(pane):
    from desktop_ocr.ui.window.formula_images import baseline_padding

    top, bottom = baseline_padding(ascent=10, depth=4, text_middle=2)
    # Qt puts the image centre text_middle above the baseline; the formula baseline lands there.
    height = top + 10 + 4 + bottom
    assert abs((height / 2 + 2) - (top + 10)) < 1e-9
    top, bottom = baseline_padding(ascent=3, depth=6, text_middle=4)
    height = top + 3 + 6 + bottom
    assert abs((height / 2 + 4) - (top + 3)) < 1e-9


def test_clicking_a_formula_copies_its_latex(qtbot, pane):
    pane.show_text(DOC)
    copied: list[str] = []
    pane.formula_clicked.connect(copied.append)
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=formula_image_position(pane, 1))
    assert copied == ["\\int_0^1 x^2\\,dx = \\frac{1}{3}"]


def test_copying_a_selection_gives_latex_back(pane):
    pane.show_text(DOC)
    pane.selectAll()
    text = pane.createMimeDataFromSelection().text()
    assert "Energy $E = mc^2$ holds." in text
    assert "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$" in text


def test_model_output_never_becomes_html_in_the_pane(pane):
    attacks = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="file:///etc/passwd">x</a>',
        "<style>*{color:red}</style>",
    ]
    pane.show_text("\n\n".join(attacks))
    shown = pane.toPlainText()
    for attack in attacks:
        assert attack in shown
    assert pane.loadResource(2, QUrl("file:///etc/passwd")) is None


def test_broken_latex_shows_marked_source_never_blank(pane):
    pane.show_text("before $\\frac{a}{b$ after")
    assert "\\frac{a}{b" in pane.toPlainText() and "after" in pane.toPlainText()


def test_ten_thousand_streamed_updates(qtbot, pane):
    before = pane.renders
    text = ""
    for index in range(10_000):
        text += f"w{index} " if index % 50 else f"$x_{{{index}}}$ "
        pane.show_text(text, streaming=True)
        if index % 200 == 0:
            QApplication.processEvents()
    # The stream alone brings the last text on screen (no flush): streamed updates are rendered.
    qtbot.waitUntil(lambda: "w9999" in pane.toPlainText(), timeout=30_000)
    # Renders happen only in the event loop (50 turns here, one render at most each, and the
    # last timer), never one per update.
    assert 1 <= pane.renders - before <= 10_000 // 200 + 2
    assert pane.document_model.formulas[-1].tex == "x_{9950}"  # the last formula, rendered


def test_updates_are_throttled(qtbot, pane):
    for batch in range(1, 4):
        before = pane.renders
        for index in range(100):
            pane.show_text(f"batch {batch} " + "word " * index, streaming=True)
        assert pane.renders == before  # nothing rendered per update
        qtbot.waitUntil(lambda before=before: pane.renders > before, timeout=10_000)
        assert pane.renders == before + 1  # one render for the whole batch, of its latest text
        assert pane.toPlainText().startswith(f"batch {batch} ") and pane.toPlainText().count("word") == 99
        pane.flush()
        assert pane.renders == before + 1  # and nothing left pending


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Markdown", DOC),
        ("Plain text", export.to_plain_text(DOC)),
        ("MathML markup", export.to_mathml(DOC)),
        *[(f"LaTeX {d.value}", export.to_latex(DOC, d)) for d in Delimiters],
    ],
)
def test_every_copy_format_through_the_x_clipboard(qtbot, app, tmp_path, label, expected):
    (item_id,) = app.add_paths([write_noise(tmp_path / "p.png")])
    qtbot.waitUntil(lambda: app.records[item_id].state.value == "done", timeout=60_000)
    app.window.view.source.setPlainText(DOC)  # the user's corrected text
    app.window.copy_as[label].trigger()
    assert read_x_clipboard(qtbot) == expected


def test_copy_shortcut_copies_markdown_and_latex_mode_wraps(qtbot, make_app, tmp_path):
    app = make_app()
    app.window.question.mode_box.setCurrentIndex(app.window.question.mode_box.findData("latex"))
    (item_id,) = app.add_paths([write_noise(tmp_path / "l.png")])
    qtbot.waitUntil(lambda: app.records[item_id].state.value == "done", timeout=60_000)
    app.window.view.source.setPlainText("\\frac{a}{b}")
    app.window.copy_as["LaTeX \\[…\\]"].trigger()
    assert read_x_clipboard(qtbot) == "\\[\\frac{a}{b}\\]"
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow, timeout=5000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(app.window, Qt.Key.Key_C, ctrl_shift)
    assert read_x_clipboard(qtbot) == "$$\\frac{a}{b}$$"


def test_auto_copy_when_a_recognition_finishes(qtbot, make_app, tmp_path):
    app = make_app(auto_copy=True)
    (item_id,) = app.add_paths([write_noise(tmp_path / "auto.png", seed=2)])
    qtbot.waitUntil(lambda: app.records[item_id].state.value == "done", timeout=60_000)
    assert read_x_clipboard(qtbot) == app.records[item_id].transcript()


def _blocks(pane):
    block = pane.document().begin()
    while block.isValid():
        yield block
        block = block.next()


@pytest.mark.parametrize(("base", "text"), [("#ffffff", "#000000"), ("#1e1e1e", "#e6e6e6")])
def test_a_code_block_stands_on_a_tint_of_either_palette_and_ends_with_its_last_line(pane, base, text):
    palette = pane.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(base))
    palette.setColor(QPalette.ColorRole.Text, QColor(text))
    pane.setPalette(palette)
    pane.show_text("The fit:\n\n```python\nimport numpy as np\na = 1\n```\n\nDone.\n")
    code = [b for b in _blocks(pane) if b.blockFormat().hasProperty(0x820)]  # BackgroundBrush
    assert [b.text() for b in code] == ["import numpy as np", "a = 1"]  # no empty line after the code
    tint = code[0].blockFormat().background().color()
    assert tint.isValid() and tint != QColor(base)
    assert abs(tint.lightness() - QColor(base).lightness()) >= 8  # seen against the pane's base


def test_a_table_under_a_display_formula_has_room_above_it(pane):
    pane.show_text("$$\\int_0^1 x\\,dx$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    layout = pane.document().documentLayout()
    formula = next(b for b in _blocks(pane) if "\ufffc" in b.text())  # the formula's image
    (table,) = [f for f in pane.document().rootFrame().childFrames() if isinstance(f, QTextTable)]
    gap = layout.frameBoundingRect(table).top() - layout.blockBoundingRect(formula).bottom()
    assert gap >= 8, gap


def test_a_formula_that_is_the_whole_answer_is_drawn_larger_than_among_text(pane):
    pane.show_text("$$E = mc^2$$")
    alone = pane.loadResource(2, QUrl("formula:0"))
    pane.show_text("So:\n\n$$E = mc^2$$\n\nwhich is famous.")
    among = pane.loadResource(2, QUrl("formula:0"))
    assert alone.height() > among.height() * 1.4 and alone.width() > among.width() * 1.4
