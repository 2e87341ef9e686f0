"""Hand a running window 200 full-HD screenshots; print its RSS growth, history on disk vs baselines.

Each mode runs in its own process (a clean RSS): the tiny random model answers (max_new_tokens
small), the images arrive as hand-offs (`desktop-ocr IMAGE` to a running window), and RSS is
read once every answer is written, against RSS after one warm-up image.
- disk:   the history on disk (DiskImageKeeper: images freed once written, read back lazily)
- off:    history off (the in-memory store keeps each image as PNG bytes)
- memory: every decoded image kept in memory, as before the history (the old keeper)
Target: disk grows < 100 MB for 200 screenshots.

    xvfb-run -s "-screen 0 1600x1000x24" python bench/window_memory.py [--count 200]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODES = ("disk", "off", "memory")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def screenshots(folder: Path, count: int) -> list[Path]:
    """Full-HD screenshot-like PNGs: flat panels, text-like stripes and some noise, all different."""
    import numpy as np
    from PIL import Image

    paths = []
    for n in range(count):
        rng = np.random.default_rng(n)
        pixels = np.full((1080, 1920, 3), 245, np.uint8)
        for _ in range(12):  # windows and panels
            y, x = rng.integers(0, 1000), rng.integers(0, 1800)
            pixels[y : y + rng.integers(40, 400), x : x + rng.integers(80, 900)] = rng.integers(0, 255, 3)
        for row in range(40, 1040, 24):  # lines of "text"
            mask = rng.random(1920) < 0.35
            pixels[row : row + 10, mask] = rng.integers(0, 90, 3)
        corner = rng.integers(0, 255, (120, 200, 3), dtype=np.uint8)  # a photo-ish patch
        pixels[-120:, -200:] = corner
        path = folder / f"screen-{n:03d}.png"
        Image.fromarray(pixels).save(path, compress_level=1)
        paths.append(path)
    return paths


def run_mode(mode: str, model: str, paths: list[str], data: str) -> dict:
    """In this process: a window, one warm-up image, then every path; RSS before and after."""
    os.environ["DESKTOP_OCR_DATA_DIR"] = data
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_ocr.core.records import SourceKind
    from desktop_ocr.core.settings_store import Settings
    from desktop_ocr.ui.application import App

    app = QApplication.instance() or QApplication([])
    settings = Settings(
        model=model, device="cpu", dtype="float32", max_new_tokens=4, keep_history=mode != "off"
    )
    store = QSettings(str(Path(data) / "settings.ini"), QSettings.Format.IniFormat)
    ocr = App(settings, store, persist=False)
    ocr.window.show()
    if mode == "memory":
        ocr.window.history.keeper.release = lambda _record_id: None  # keep every image, as before
    loop_until(app, lambda: app.model_ready, 300)

    def handed(batch: list[str]) -> None:
        ids = ocr.add_paths(batch, SourceKind.HANDOFF)
        loop_until(app, lambda: all(not ocr.records[i].busy for i in ids), 3600)
        ocr.flush_history()
        app.processEvents()

    handed(paths[:1])
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    for start in range(1, len(paths), 10):  # as a user hands them: a few at a time
        handed(paths[start : start + 10])
    ocr.window.history.list_view.setCurrentIndex(ocr.window.history.model.index(0))
    idle = time.monotonic() + 1.5  # the window idles a moment, as a real one does between snips
    loop_until(app, lambda: time.monotonic() > idle, 10)
    ocr.flush_history()
    app.processEvents()
    gc.collect()
    after = rss_mb()
    if os.environ.get("TRIM"):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
        print(f"untrimmed {after:.0f} MB", file=sys.stderr)
        after = rss_mb()
    held = ocr.window.history.keeper.held()
    stored = ocr.history_store.count() if ocr.history_store else 0
    ocr.shut_down()
    return {
        "mode": mode, "before": before, "after": after, "held": held, "stored": stored,
        "seconds": time.perf_counter() - started,
    }  # fmt: skip


def loop_until(app, condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.005)  # the event loop idles between polls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(run_mode(job["mode"], job["model"], job["paths"], job["data"])), flush=True)
        return
    from desktop_ocr._dev.checkpoint import build_checkpoint

    with tempfile.TemporaryDirectory(prefix="window-memory-") as tmp:
        root = Path(tmp)
        model = build_checkpoint(root / "model", "native")
        (root / "images").mkdir()
        paths = [str(p) for p in screenshots(root / "images", args.count + 1)]
        print(f"{args.count} full-HD screenshots handed to a running window (tiny model, 4 new tokens)")
        for mode in args.modes.split(","):
            job = {"mode": mode, "model": str(model), "paths": paths, "data": str(root / f"data-{mode}")}
            Path(job["data"]).mkdir()
            env = {**os.environ, "DESKTOP_OCR_SETTINGS": str(root / f"{mode}.ini")}
            out = subprocess.run(
                [sys.executable, __file__, "--child", json.dumps(job)],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
            if not lines:
                print(f"{mode}: failed\n{out.stderr[-2000:]}")
                continue
            r = json.loads(lines[-1])
            growth = r["after"] - r["before"]
            print(
                f"{mode:>6}: RSS {r['before']:.0f} → {r['after']:.0f} MB, growth {growth:+.0f} MB"
                f" ({growth / args.count:+.2f} MB/image); {r['held']} full images held,"
                f" {r['stored']} records; {r['seconds']:.0f} s"
            )


if __name__ == "__main__":
    main()
