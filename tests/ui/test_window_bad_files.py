"""A hand-off with a hostile file in it: the window refuses only that file, and says so."""

from __future__ import annotations

from tests.cli.fuzz_corpus import tiff_pages
from tests.ui.conftest import write_noise


def test_a_tiff_bomb_in_a_hand_off_refuses_only_itself(qtbot, app, tmp_path):
    """The bomb's page count was read while sorting documents from images, and its error
    escaped: the whole hand-off was dropped and nothing was said."""
    first = write_noise(tmp_path / "first.png", seed=1)
    bomb = tmp_path / "bomb.tiff"
    bomb.write_bytes(tiff_pages([(20000, 20000)]))
    cut = tmp_path / "cut.tiff"
    cut.write_bytes(tiff_pages([(64, 64), (64, 64), (64, 64)])[:-40])  # its last page list cut
    last = write_noise(tmp_path / "last.png", seed=2)
    app.add_paths([first, bomb, cut, last])
    qtbot.waitUntil(lambda: "bomb.tiff" in app.window.statusBar().currentMessage(), timeout=10_000)
    names = lambda: sorted(item.name for item in app.records.values())  # noqa: E731
    qtbot.waitUntil(lambda: {"first.png", "last.png"} <= set(names()), timeout=10_000)
    assert "bomb.tiff" not in names()
    assert "Not added" in app.window.statusBar().currentMessage()
