"""The real desktop-ocr process on a journey's desktop, driven by real input and read from outside."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .atspi import Node, Tree
from .desktop import Desktop, wait_until

# The app must not read the test run's overrides: it finds its files where a user's would be.
_RUN_OVERRIDES = ("DESKTOP_OCR_DATA_DIR", "DESKTOP_OCR_SETTINGS", "DESKTOP_OCR_MODEL", "QT_QPA_PLATFORM")


@dataclass
class Profile:
    """A user's folders: settings, history and cache, all under one home of the journey's own."""

    home: Path
    instance: str  # $DESKTOP_OCR_INSTANCE; "" leaves the app to name its instance (user and display)
    desktop_env: dict[str, str] = field(default_factory=dict)  # the user's desktop: e.g. a GTK theme

    @classmethod
    def fresh(cls, folder: Path) -> Profile:
        for name in ("config", "data", "cache"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        return cls(folder, f"desktop-ocr-journey-{uuid.uuid4().hex[:8]}")

    @property
    def settings_file(self) -> Path:
        """Where QSettings keeps a user's settings on Linux (IniFormat, UserScope)."""
        return self.home / "config" / "desktop-ocr" / "desktop-ocr.ini"

    @property
    def data_dir(self) -> Path:
        return self.home / "data" / "desktop-ocr"

    def write_settings(self, **values: object) -> None:
        """Settings as a user would have saved them (the app's own ini file)."""
        self.settings_file.parent.mkdir(parents=True, exist_ok=True)
        lines = ["[General]", *(f"{key}={_ini(value)}" for key, value in values.items())]
        self.settings_file.write_text("\n".join(lines) + "\n")

    def env(self, desktop: Desktop) -> dict[str, str]:
        dropped = (*_RUN_OVERRIDES, "DESKTOP_OCR_INSTANCE")
        base = {key: value for key, value in os.environ.items() if key not in dropped}
        own = {"DESKTOP_OCR_INSTANCE": self.instance} if self.instance else {}
        return {
            **base,
            **desktop.env(),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CACHE_HOME": str(self.home / "cache"),
            **own,
            **self.desktop_env,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "PYTHONUNBUFFERED": "1",
        }


def _ini(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def command() -> list[str]:
    """How a user starts it: the installed entry point beside this Python, else `python -m`."""
    entry = shutil.which("desktop-ocr", path=str(Path(sys.executable).parent))
    # The entry point imports the installed package; `-m` with the test's sys.path imports the one under test.
    return [sys.executable, "-m", "desktop_ocr"] if entry is None or os.environ.get("PYTHONPATH") else [entry]


class App:
    """One run of the window: started with `args`, read through AT-SPI, driven with xdotool."""

    def __init__(self, desktop: Desktop, tree: Tree, profile: Profile, *args: str) -> None:
        self.desktop, self.tree, self.profile = desktop, tree, profile
        self.log_path = profile.home / f"stderr-{uuid.uuid4().hex[:6]}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.env = profile.env(desktop)
        self.process = subprocess.Popen(
            [*command(), *args], env=self.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=profile.home
        )
        self._root: Node | None = None

    # ----- reading
    @property
    def root(self) -> Node:
        if self._root is None:
            self._root = wait_until(self._application, "the app on the accessibility bus", 60)
        return self._root

    def _application(self) -> Node | None:
        assert self.process.poll() is None, f"desktop-ocr exited: {self.stderr()[-3000:]}"
        return self.tree.application(self.process.pid)

    def stderr(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def window(self) -> Node:
        """The main window's frame, once shown."""
        return self.wait_for("frame", "desktop-ocr", timeout=60)

    def wait_for(
        self, role: str | None = None, name: str | None = None, timeout: float = 90, **kwargs
    ) -> Node:
        """The first shown object of that role and name, waiting for it to appear."""
        return wait_until(
            lambda: self.root.find(role, name, **kwargs), f"{role} {name!r} {kwargs or ''}", timeout
        )

    def wait_gone(
        self, role: str | None = None, name: str | None = None, timeout: float = 90, **kwargs
    ) -> None:
        wait_until(lambda: self.root.find(role, name, **kwargs) is None, f"no {role} {name!r}", timeout)

    def until(self, holds, what: str, timeout: float = 90) -> None:
        """Wait until `holds()` is true (the app still running)."""

        def probe() -> bool:
            assert self.process.poll() is None, f"desktop-ocr exited: {self.stderr()[-3000:]}"
            return bool(holds())

        wait_until(probe, what, timeout)

    def until_value(self, probe, what: str, timeout: float = 90):
        """probe()'s first truthy value."""
        return wait_until(probe, what, timeout)

    def wait_text(self, node: Node, wanted, what: str, timeout: float = 90) -> str:
        """node's text (or name) once `wanted(text)` holds."""

        def probe() -> str | None:
            value = node.text or node.name
            return value if wanted(value) else None

        return wait_until(probe, what, timeout)

    def status_line(self) -> str:
        """Everything the status bar shows, joined: the message and the permanent labels."""
        bar = self.root.find("status bar")
        if bar is None:
            return ""
        return " | ".join(filter(None, (n.text or n.name for n in bar.walk() if n is not bar and n.showing)))

    def window_id(self, title: str = "desktop-ocr") -> str:
        """The X id of this process's shown window with that title (default: the main window)."""

        def probe() -> str | None:
            # --all: xdotool's search matches any one condition unless told to match them all.
            search = ("xdotool", "search", "--all", "--onlyvisible", "--pid", str(self.process.pid))
            found = self.desktop.run(*search, "--name", f"^{title}$").stdout.split()
            return found[0].decode() if found else None

        return wait_until(probe, f"the X id of the window {title!r}", 30)

    def geometry(self, window_id: str | None = None) -> tuple[int, int, int, int]:
        """x, y, width, height of an X window (default: the main window), frame excluded."""
        out = self.desktop.run("xwininfo", "-id", window_id or self.window_id()).stdout.decode()
        values = {}
        for line in out.splitlines():
            key, _, value = line.strip().partition(":")
            values[key] = value.strip()
        return (int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"]),
                int(values["Width"]), int(values["Height"]))  # fmt: skip

    def clipboard(self, target: str = "UTF8_STRING") -> str:
        result = self.desktop.run("xclip", "-o", "-selection", "clipboard", "-t", target)
        return result.stdout.decode(errors="replace") if result.returncode == 0 else ""

    def screenshot(self, path: Path) -> Path:
        """The whole screen as a PNG (mss, one of the app's dependencies)."""
        code = "import mss, sys; mss.MSS().shot(output=sys.argv[1])"
        self.desktop.run(sys.executable, "-c", code, str(path), env={"DISPLAY": self.desktop.display})
        return path

    # ----- driving (real input through the X server)
    def focus(self) -> None:
        window_id = self.window_id()
        self.desktop.run("xdotool", "windowactivate", "--sync", window_id)
        active = lambda: self.desktop.run("xdotool", "getactivewindow").stdout.strip().decode()  # noqa: E731
        wait_until(lambda: active() == window_id, "the window to be active", 10)

    def key(self, *keys: str) -> None:
        """Press keys (xdotool names: ctrl+shift+c, Escape, Delete) in the focused window."""
        result = self.desktop.run("xdotool", "key", "--clearmodifiers", *keys)
        assert result.returncode == 0, result.stderr

    def type(self, text: str) -> None:
        result = self.desktop.run("xdotool", "type", "--delay", "10", "--", text)
        assert result.returncode == 0, result.stderr

    def click(self, node: Node, button: int = 1) -> None:
        x, y = node.centre()
        self.move(x, y)
        self.desktop.run("xdotool", "click", str(button))

    def move(self, x: int, y: int) -> None:
        self.desktop.run("xdotool", "mousemove", "--sync", str(x), str(y))

    def put_on_clipboard(self, data: bytes, target: str) -> subprocess.Popen:
        """xclip owns the clipboard (as another app would) until something else takes it."""
        process = subprocess.Popen(
            ["xclip", "-selection", "clipboard", "-t", target, "-i"],
            env={**os.environ, **self.desktop.env()}, stdin=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdin is not None
        process.stdin.write(data)
        process.stdin.close()
        targets = ("xclip", "-o", "-selection", "clipboard", "-t", "TARGETS")
        wait_until(
            lambda: target in self.desktop.run(*targets).stdout.decode(), "xclip to own the clipboard", 10
        )
        return process

    # ----- ending
    def quit(self, timeout: float = 60) -> int:
        """Ask it to quit as a user would from another terminal (`desktop-ocr --quit`)."""
        if self.process.poll() is None:
            subprocess.run(
                [*command(), "--quit"], env=self.env, capture_output=True, timeout=timeout, check=False
            )
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode

    def stop(self) -> None:
        if self.process.poll() is None:
            self.quit()
        self._log.close()
