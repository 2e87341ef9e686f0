"""Stream an 8 KB Markdown + LaTeX answer through the result pane; print the GUI thread's stalls.

A thread emits the answer in small chunks (as the worker does, through queued signals) while
a 5 ms heartbeat timer on the GUI thread records how late each tick fires: its worst lateness
is the longest the window froze. The throttled pane (what the app uses) is compared with a
render on every chunk, measured in the same run.

    xvfb-run -s "-screen 0 1600x1000x24" python bench/pane_latency.py
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from desktop_ocr.render.math import default_math_renderer
from desktop_ocr.ui.window.result_pane import ResultPane

SECTION = "\n".join(
    [
        "## Section {n}",
        "",
        r"The integral $\int_0^{{{n}}} x^2\,dx = \frac{{{n}^3}}{{3}}$ and the sum "
        r"$\sum_{{i=1}}^{{n}} i = \frac{{n(n+1)}}{{2}}$.",
        "",
        r"$$\begin{{pmatrix}} a & b \\ c & d \end{{pmatrix}} \begin{{pmatrix}} x \\ y \end{{pmatrix}}"
        r" = \begin{{pmatrix}} {n} \\ 0 \end{{pmatrix}}$$",
        "",
        "| quantity | value |",
        "|---|---|",
        r"| $\alpha_{n}$ | {n}.5 |",
        r"| $\sqrt{{{n}}}$ | {root:.3f} |",
        "",
        "Plain words follow to fill the page with ordinary OCR text, line after line.",
        "",
    ]
)


def answer(target_bytes: int = 8192) -> str:
    parts, n = [], 1
    while len("".join(parts)) < target_bytes:
        parts.append(SECTION.format(n=n, root=n**0.5))
        n += 1
    return "".join(parts)[:target_bytes]


class Feeder(QObject):
    chunk = Signal(str)
    done = Signal()


def run(throttled: bool, text: str, chunk_chars: int = 6, tokens_per_second: float = 150.0) -> dict:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    pane = ResultPane(default_math_renderer())
    pane.resize(800, 900)
    pane.show()
    app.processEvents()
    received: list[str] = []

    def on_chunk(piece: str) -> None:
        received.append(piece)
        joined = "".join(received)
        if throttled:
            pane.show_text(joined, streaming=True)
        else:
            pane.show_text(joined, streaming=False)  # render on every chunk

    feeder = Feeder()
    feeder.chunk.connect(on_chunk, Qt.ConnectionType.QueuedConnection)
    finished = threading.Event()
    feeder.done.connect(lambda: finished.set(), Qt.ConnectionType.QueuedConnection)

    lateness: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(5)

    def tick() -> None:
        now = clock.nsecsElapsed()
        lateness.append(max((now - last[0]) / 1e6 - 5.0, 0.0))
        last[0] = now

    heartbeat.timeout.connect(tick)
    heartbeat.start()

    def feed() -> None:
        delay = 1.0 / tokens_per_second
        for start in range(0, len(text), chunk_chars):
            feeder.chunk.emit(text[start : start + chunk_chars])
            time.sleep(delay)
        feeder.done.emit()

    started = time.perf_counter()
    thread = threading.Thread(target=feed)
    thread.start()
    while not finished.is_set():
        app.processEvents()
        time.sleep(0.001)
    thread.join()
    pane.flush()
    elapsed = time.perf_counter() - started
    heartbeat.stop()
    assert pane.text == text
    pane.close()
    return {
        "max_ms": max(lateness),
        "p95_ms": statistics.quantiles(lateness, n=20)[-1],
        "renders": pane.renders,
        "seconds": elapsed,
    }


def main() -> None:
    text = answer()
    print(f"streaming {len(text)} bytes in 6-character chunks at 150 chunks/s", flush=True)
    results = {}
    for name, throttled in (("render every chunk (baseline)", False), ("throttled pane (the app)", True)):
        results[name] = run(throttled, text)
        r = results[name]
        print(
            f"{name}: worst GUI stall {r['max_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
            f"{r['renders']} renders in {r['seconds']:.1f} s",
            flush=True,
        )
    base, app = results["render every chunk (baseline)"], results["throttled pane (the app)"]
    print(f"worst stall, throttled / baseline: {app['max_ms'] / base['max_ms']:.2f}")
    print(f"target: worst stall under 50 ms -> {'met' if app['max_ms'] < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
