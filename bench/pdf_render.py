"""Render PDF pages for the model: time per page at the default budget, and memory over 300 pages.

Each figure is printed against a baseline measured in the same run:
- time: drawing a page straight at the budget's size (what the app does) vs. drawing it at
  300 dpi and letting the engine resize it to the budget (the usual way, and a second blur);
- memory: rendering 300 pages one at a time (what the app does) vs. rendering them all up front.

    python bench/pdf_render.py [PAGES]
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_ocr._dev.pdfs import make_text_pdf
from desktop_ocr.documents import open_document
from desktop_ocr.engine import PixelBudget, prepare_image

MB = 2**20


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    budget = PixelBudget()
    with tempfile.TemporaryDirectory() as folder:
        path = make_text_pdf(Path(folder) / "paper.pdf", pages)
        with open_document(path) as document:
            # Time: 20 pages each way, interleaved so that both see the same machine load.
            ours, baseline = [], []
            for number in range(1, 21):
                start = time.perf_counter()
                image = document.render(number, budget)
                prepared = prepare_image(image, budget)
                ours.append(time.perf_counter() - start)
                assert prepared.resized_size == image.size, "the engine resized a budget-size page"
                start = time.perf_counter()
                big = document.render(number, budget, dpi=300)
                resized = prepare_image(big, budget)
                baseline.append(time.perf_counter() - start)
            size, big_size = image.size, big.size
            del image, big, prepared, resized
            print(f"one page, render + engine preparation (median of 20, {size[0]}×{size[1]} px):")
            print(f"  at the budget's size        {statistics.median(ours):.3f} s   (target < 0.3 s)")
            print(
                f"  at 300 dpi, then resized    {statistics.median(baseline):.3f} s   "
                f"({big_size[0]}×{big_size[1]} px → {size[0]}×{size[1]})  "
                f"→ {statistics.median(baseline) / statistics.median(ours):.1f}× slower"
            )

            before = rss()
            start = time.perf_counter()
            peak = before
            for page in document.pages(budget=budget):
                if page.number % 30 == 0:
                    peak = max(peak, rss())
            lazy_time = time.perf_counter() - start
            after = rss()
            print(
                f"{pages} pages one at a time: RSS {before / MB:.0f} → {after / MB:.0f} MB "
                f"(peak {peak / MB:.0f} MB, +{(peak - before) / MB:.0f} MB), {lazy_time:.1f} s"
            )

            before = rss()
            everything = [page.image for page in document.pages(budget=budget)]
            after = rss()
            print(
                f"{pages} pages up front (baseline): RSS {before / MB:.0f} → {after / MB:.0f} MB "
                f"(+{(after - before) / MB:.0f} MB for {len(everything)} pages)"
            )


if __name__ == "__main__":
    main()
