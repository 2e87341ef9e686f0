"""Open a window on a history of 10,000 records; print the time to its first painted page of rows.

The list is lazy (a page of rows at a time, thumbnails read as rows are painted), so this is the
store's opening plus one page, whatever the history's size. Against: the same window on an empty
history, in the same run. Target: < 1 s.

    xvfb-run -s "-screen 0 1600x1000x24" python bench/history_open.py [--count 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="history-open-") as tmp:
        root = Path(tmp)
        os.environ["DESKTOP_OCR_SETTINGS"] = str(root / "settings.ini")
        import numpy as np
        from PIL import Image
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from desktop_ocr.core.settings_store import Settings
        from desktop_ocr.history import NewPage, NewRecord, PageImage, Source, Turn, open_folder
        from desktop_ocr.ui.application import App

        rng = np.random.default_rng(0)
        words = ["invoice", "total", "meeting", "formula", "table", "receipt", "Résumé", "2024", "x^2"]
        image = PageImage.encode(Image.fromarray(rng.integers(0, 255, (60, 160, 3), dtype=np.uint8)))
        full = root / "full"
        store = open_folder(full)
        with store.batch():
            for n in range(args.count):
                text = " ".join(rng.choice(words, 12)) + f" {n}"
                store.add(NewRecord(Source.SNIP, [NewPage(image, [Turn("q", text)])], name=f"snip {n}"))
        store.close()
        (root / "empty").mkdir()
        app = QApplication.instance() or QApplication([])

        def first_page(folder: Path) -> tuple[float, int]:
            os.environ["DESKTOP_OCR_DATA_DIR"] = str(folder)
            settings = Settings(model=str(root / "no-model"), device="cpu")
            started = time.perf_counter()
            qsettings = QSettings(str(root / "s.ini"), QSettings.Format.IniFormat)
            ocr = App(settings, qsettings, persist=False)
            ocr.window.show()
            ocr.window.pages.setCurrentIndex(1)
            while ocr.history_store is None or (folder == full and ocr.window.history.model.rowCount() == 0):
                app.processEvents()
                time.sleep(0.001)
            # paints the visible rows (thumbnails read here)
            ocr.window.history.list_view.viewport().repaint()
            elapsed = time.perf_counter() - started
            rows = ocr.window.history.model.rowCount()
            ocr.shut_down()
            ocr.window.deleteLater()
            app.processEvents()
            return elapsed, rows

        first_page(root / "empty")  # warm Qt's first-window costs
        empty, _ = first_page(root / "empty")
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
        full_time, rows = first_page(full)
        profile.disable()
        if os.environ.get("PROFILE"):
            import pstats

            pstats.Stats(profile).sort_stats("tottime").print_stats(15)
        print(
            f"{args.count} records: first page ({rows} rows loaded) painted in {full_time * 1000:.0f} ms;"
            f" empty history {empty * 1000:.0f} ms; ratio {full_time / empty:.2f}"
        )


if __name__ == "__main__":
    main()
