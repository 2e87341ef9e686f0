"""The README's screenshots, taken of the real app run as a user runs it, on a desktop of its own.

    python -m desktop_ocr._dev.screenshots [docs/screenshots]      (or: make screenshots)

Needs Xvfb, openbox, dbus-daemon, xdotool and x11-utils (it starts its own desktop: no
display or xvfb-run needed). No model can be downloaded where these are made, so the answers
come from a stand-in server (standin_server.py) that replies with prepared text, each with
its token probabilities, through the app's real server backend (`backend=server`). All the
rest is the app's own run:

1. A first run, with a fresh profile (its own settings, history and cache folders), is given
   two pictures on its command line; a PDF (`--pages 1-3`) and a third picture are then handed
   to the running window by later `desktop-ocr` calls. The app streams the answers, marks the
   uncertain tokens from the server's probabilities, and writes its history. It then quits.
2. A second start (a returning user) shows the newest record: window-light.png; the mouse on
   an uncertain mark shows its tooltip: uncertain-marks.png; Ctrl+, opens Settings:
   settings.png; searching the history for the PDF and clearing the search leaves the document
   shown: document.png.
3. A third start on a dark desktop theme (GTK's Adwaita:dark, which Qt's gtk3 platform theme
   follows): window-dark.png. The light runs use Qt's own theme: with the gtk3 one, the first
   run crashed here (a segfault in a worker thread importing triton, seen in December 2026).

It waits on what can be seen: the history's database, the app's X windows, and the window's
pixels (the orange of the uncertain marks; a window unchanged over a few frames counts as
drawn, since the pane lays out formulas after the record is shown).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from .desktop import Desktop, desktop, wait_until

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1600, 1000)
WINDOW = (1280, 780)
# The pane's mark colours (ui/window/result_pane.py mark_color), on a light and a dark base.
MARK = {"light": (0xD3, 0x54, 0x00), "dark": (0xFF, 0xA0, 0x40)}
THEME_ENV = {"light": {}, "dark": {"QT_QPA_PLATFORMTHEME": "gtk3", "GTK_THEME": "Adwaita:dark"}}
RECORDS_TIMEOUT_S = 600  # an answer on a two-core machine busy with other work (load 15)
Box = tuple[int, int, int, int]


class Run:
    """One run of `desktop-ocr` with the profile in `home`, on `screen`, in a desktop theme."""

    def __init__(self, screen: Desktop, home: Path, theme: str, *args: str) -> None:
        self.screen, self.home, self.theme = screen, home, theme
        self.log = open(home / f"app-{theme}-{time.monotonic_ns()}.log", "w")  # noqa: SIM115 - closed in quit()
        self.process = subprocess.Popen(self.command(*args), env=self.env(), cwd=home,
                                        stdout=self.log, stderr=subprocess.STDOUT)  # fmt: skip
        import mss

        self.grabber = mss.MSS(display=screen.display)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "desktop_ocr", *args]

    def env(self) -> dict[str, str]:
        """A user's session: their own folders under `home`, this desktop and its theme."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DESKTOP_OCR_", "QT_", "XDG_"))}
        return {
            **keep, **self.screen.env(),
            "XDG_CONFIG_HOME": str(self.home / "config"), "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CACHE_HOME": str(self.home / "cache"),
            "DESKTOP_OCR_INSTANCE": f"shots-{self.home.parent.name}",  # the temporary folder's unique name
            **THEME_ENV[self.theme],
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1", "NO_AT_BRIDGE": "1", "PYTHONFAULTHANDLER": "1",
        }  # fmt: skip

    def alive(self) -> bool:
        if self.process.poll() is not None:
            log = Path(self.log.name).read_text()[-3000:]
            raise RuntimeError(f"desktop-ocr exited with status {self.process.returncode}: {log}")
        return True

    def hand(self, *args: str) -> None:
        """A later `desktop-ocr ARGS` call, which hands its inputs to this running window."""
        done = subprocess.run(self.command(*args), env=self.env(), cwd=self.home, capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"desktop-ocr {' '.join(args)}: {done.stdout}{done.stderr}")

    def window(self, name: str = "desktop-ocr") -> str:
        def shown() -> list[str]:
            self.alive()
            return self.screen.windows(self.process.pid, name)

        return wait_until(shown, f"the window {name!r}", 300)[0]

    def main_window(self) -> str:
        """The main window, at the screenshots' size (openbox keeps what the app asks for)."""
        window = self.window()
        if self.screen.geometry(window)[2:] != WINDOW:
            self.screen.run("xdotool", "windowsize", "--sync", window, *map(str, WINDOW))
            self.screen.run("xdotool", "windowmove", "--sync", window, "80", "60")
        self.screen.run("xdotool", "windowactivate", "--sync", window)
        self.screen.run("xdotool", "mousemove", "--sync", str(SCREEN[0] - 1), str(SCREEN[1] - 1))
        return window

    def key(self, *keys: str) -> None:
        self.screen.run("xdotool", "key", "--clearmodifiers", *keys)

    def grab(self, box: Box) -> Image.Image:
        x, y, width, height = box
        shot = self.grabber.grab({"left": x, "top": y, "width": width, "height": height})
        return Image.frombytes("RGB", shot.size, shot.rgb)

    def settled(self, box: Box, frames: int = 4) -> Image.Image:
        """The picture in `box` once it stays the same over `frames` grabs a tenth of a second apart."""
        seen: list[bytes] = []

        def still() -> Image.Image | None:
            image = self.grab(box)
            seen[:] = [*seen[-(frames - 1) :], image.tobytes()]
            return image if len(seen) == frames and len(set(seen)) == 1 else None

        return wait_until(still, f"the window to be drawn ({box})", 60)

    def marks(self, box: Box) -> list[tuple[int, int]]:
        """Where the uncertain marks' orange is in `box`, on the screen, top to bottom."""
        import numpy as np

        pixels = np.asarray(self.grab(box), dtype=np.int16)
        near = np.abs(pixels - np.array(MARK[self.theme], dtype=np.int16)).sum(axis=2) < 60
        near[:, : box[2] // 3] = False  # the answer pane, right of the history and the image
        found = zip(*np.nonzero(near)[::-1], strict=True)
        return [(box[0] + int(x), box[1] + int(y)) for x, y in found]

    def quit(self) -> None:
        """`desktop-ocr --quit`, as a user would from another terminal; waits until it has ended."""
        if self.process.poll() is None:
            self.hand("--quit")
            self.process.wait(60)
        self.log.close()


def history_records(home: Path) -> list[Any]:
    """The records the app wrote (done ones), newest first, read without changing anything."""
    from ..history import State, open_for_reading

    store = open_for_reading(home / "data" / "desktop-ocr")
    try:
        return [row for row in store.list(limit=None) if row.state is State.DONE]
    finally:
        store.close()


def build_history(screen: Desktop, home: Path, pictures: list[Path], pdf: Path) -> None:
    """A first run as a user makes it: pictures on the command line, then more handed to it."""
    first = Run(screen, home, "light", str(pictures[0]), str(pictures[1]))
    first.main_window()

    def records(count: int) -> Callable[[], bool]:
        return lambda: first.alive() and len(history_records(home)) >= count

    wait_until(records(2), "the two pictures' answers in the history", RECORDS_TIMEOUT_S)
    first.hand("--pages", "1-3", str(pdf))
    wait_until(records(3), "the document in the history", RECORDS_TIMEOUT_S)
    first.hand(str(pictures[2]))
    wait_until(records(4), "the last picture's answer in the history", RECORDS_TIMEOUT_S)
    first.quit()


def returning_user(screen: Desktop, home: Path, out: Path) -> None:
    """window-light, uncertain-marks, settings and document, of a second start."""
    run = Run(screen, home, "light")
    box = run.screen.geometry(run.main_window())
    wait_until(lambda: run.alive() and run.marks(box), "the newest record's marks", 90)
    run.settled(box).save(out / "window-light.png")

    x, y = run.marks(box)[0]
    before = set(screen.windows(run.process.pid))
    screen.run("xdotool", "mousemove", "--sync", str(x + 6), str(y - 8))  # onto the marked word
    tip = wait_until(lambda: set(screen.windows(run.process.pid)) - before, "the mark's tooltip", 30).pop()
    tip_box = screen.geometry(tip)
    # The answer pane around the mark: its table starts ~80 px left of the marked cell's text.
    left, top = max(box[0], x - 86), max(box[1], y - 168)
    right = min(box[0] + box[2], max(tip_box[0] + tip_box[2] + 40, x + 480))
    bottom = min(box[1] + box[3], max(tip_box[1] + tip_box[3] + 40, y + 60))
    run.settled((left, top, right - left, bottom - top)).save(out / "uncertain-marks.png")
    run.main_window()  # the mouse away: the tooltip goes

    under = run.grab(box)
    run.key("ctrl+comma")
    dialog = run.window("Settings")
    screen.run("xdotool", "windowactivate", "--sync", dialog)
    dialog_box = screen.geometry(dialog)
    # Mapped is not drawn: without a compositor, an unpainted window shows what was under it.
    part = _within(dialog_box, box)
    drawn = lambda: run.grab(box).crop(part).tobytes() != under.crop(part).tobytes()  # noqa: E731
    wait_until(drawn, "Settings drawn", 60)
    run.settled(dialog_box).save(out / "settings.png")
    run.key("Escape")
    wait_until(lambda: not screen.windows(run.process.pid, "Settings"), "Settings to close", 60)

    _show_document(run, box, home)
    run.settled(box).save(out / "document.png")
    run.quit()


def _within(inner: Box, outer: Box) -> Box:
    """`inner`'s part of `outer`, as a crop box in `outer`'s picture (left, top, right, bottom)."""
    left, top = max(inner[0], outer[0]) - outer[0], max(inner[1], outer[1]) - outer[1]
    right = min(inner[0] + inner[2], outer[0] + outer[2]) - outer[0]
    bottom = min(inner[1] + inner[3], outer[1] + outer[3]) - outer[1]
    return left, top, right, bottom


def _show_document(run: Run, box: Box, home: Path) -> None:
    """Ctrl+F, the document's name, then Esc: the search's only match stays shown in the whole list."""
    from ..history import open_for_reading

    store = open_for_reading(home / "data" / "desktop-ocr")
    try:
        matches = store.search("quarterly", limit=None)
    finally:
        store.close()
    if [row.pages for row in matches] != [3]:
        raise RuntimeError(f"searching 'quarterly' should find the document alone: {matches}")
    run.main_window()
    run.key("ctrl+f")
    run.screen.run("xdotool", "type", "--delay", "20", "quarterly")
    # The Gaussian's marks go once the document is shown (a document's answer carries none).
    wait_until(lambda: run.alive() and not run.marks(box), "the document to be shown", 60)
    run.settled(box)
    run.key("Escape")  # clears the search; the shown record stays current
    run.settled(box)


def dark(screen: Desktop, home: Path, out: Path) -> None:
    run = Run(screen, home, "dark")
    box = screen.geometry(run.main_window())
    wait_until(lambda: run.alive() and run.marks(box), "the newest record's marks, on dark", 90)
    run.settled(box).save(out / "window-dark.png")
    run.quit()


def write_settings(home: Path, server_url: str) -> None:
    """Settings as the user saved them in the dialog: the server, Markdown, no notifications."""
    ini = home / "config" / "desktop-ocr" / "desktop-ocr.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(f"[General]\nbackend=server\nserver_url={server_url}\nmode=markdown\nnotify=false\n")


def main(out: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # this process only draws the inputs
    from PySide6.QtGui import QGuiApplication

    from .screenshot_samples import make_inputs
    from .standin_server import StandinServer

    _app = QGuiApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="desktop-ocr-shots-") as tmp:
        home = Path(tmp) / "home"
        pictures, pdf, prepared = make_inputs(home / "Documents")
        with StandinServer(prepared) as server, desktop(*SCREEN) as screen:
            write_settings(home, server.url)
            try:
                build_history(screen, home, pictures, pdf)
                print(f"history written: {server.answers} answers streamed by the stand-in", flush=True)
                returning_user(screen, home, out)
                dark(screen, home, out)
            except Exception:
                for log in sorted(home.glob("app-*.log")):  # the app's side of what went wrong
                    print(f"==> {log.name} <==\n{log.read_text()[-3000:]}", file=sys.stderr)
                raise
    for name in ("window-light", "window-dark", "uncertain-marks", "settings", "document"):
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
