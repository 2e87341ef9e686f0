"""Ways to grab the screens; each knows when it can work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Protocol

from PySide6.QtGui import QGuiApplication, QImage, QScreen

from .geometry import Rect, ScreenGrab


class CaptureHandler(Protocol):
    name: str

    def is_available(self) -> bool: ...

    def grab(self, screens: list[QScreen]) -> list[ScreenGrab]:
        """One grab per screen, in the order given; raise or return [] on failure."""
        ...


def _logical(screen: QScreen) -> Rect:
    g = screen.geometry()
    return Rect(g.x(), g.y(), g.width(), g.height())


def is_wayland() -> bool:
    platform = QGuiApplication.platformName()
    return platform.startswith("wayland") or (platform == "" and bool(os.environ.get("WAYLAND_DISPLAY")))


class QtHandler:
    """QScreen.grabWindow(0): X11, Windows, macOS (with the screen-recording permission)."""

    name = "qt"

    def is_available(self) -> bool:
        return not is_wayland() and QGuiApplication.platformName() not in ("offscreen", "minimal")

    def grab(self, screens: list[QScreen]) -> list[ScreenGrab]:
        grabs = []
        for screen in screens:
            pixmap = screen.grabWindow(0)
            if pixmap.isNull():
                return []
            grabs.append(
                ScreenGrab(screen.name(), _logical(screen), screen.devicePixelRatio(), pixmap.toImage())
            )
        return grabs


class MssHandler:
    """The mss library: X11, Windows, macOS; a fallback when Qt's grab fails."""

    name = "mss"

    def is_available(self) -> bool:
        if is_wayland():
            return False
        try:
            import mss  # noqa: F401
        except ImportError:
            return False
        return True

    def grab(self, screens: list[QScreen]) -> list[ScreenGrab]:
        import mss

        grabs = []
        with mss.mss() as sct:
            monitors = sct.monitors[1:]
            for screen in screens:
                monitor = _matching_monitor(screen, monitors)
                if monitor is None:
                    return []
                shot = sct.grab(monitor)
                image = QImage(shot.bgra, shot.width, shot.height, QImage.Format.Format_RGB32).copy()
                grabs.append(ScreenGrab(screen.name(), _logical(screen), screen.devicePixelRatio(), image))
        return grabs


def _matching_monitor(screen: QScreen, monitors: list[dict]) -> dict | None:
    """The mss monitor (physical pixels) showing this screen."""
    geometry, ratio = screen.geometry(), screen.devicePixelRatio()
    width, height = round(geometry.width() * ratio), round(geometry.height() * ratio)
    candidates = [m for m in monitors if (m["width"], m["height"]) == (width, height)]
    for monitor in candidates:
        if (monitor["left"], monitor["top"]) in (
            (geometry.x(), geometry.y()),
            (round(geometry.x() * ratio), round(geometry.y() * ratio)),
        ):
            return monitor
    return candidates[0] if len(candidates) == 1 else None


class _WholeDesktopHandler:
    """Tools that write one picture of the whole desktop; it is cut into screens here."""

    name = ""
    command: tuple[str, ...] = ()

    def is_available(self) -> bool:
        return sys.platform.startswith("linux") and shutil.which(self.command[0]) is not None

    def _desktop_image(self) -> QImage:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "screen.png"
            subprocess.run([*self.command, str(path)], check=True, timeout=20, capture_output=True)
            return QImage(str(path))

    def grab(self, screens: list[QScreen]) -> list[ScreenGrab]:
        return split_desktop(self._desktop_image(), screens)


def split_desktop(desktop: QImage, screens: list[QScreen]) -> list[ScreenGrab]:
    """Cut a whole-desktop picture (physical pixels) into one grab per screen."""
    if desktop.isNull():
        return []
    grabs = []
    left = min(s.geometry().x() for s in screens)
    top = min(s.geometry().y() for s in screens)
    for screen in screens:
        g, ratio = screen.geometry(), screen.devicePixelRatio()
        x, y = round((g.x() - left) * ratio), round((g.y() - top) * ratio)
        image = desktop.copy(x, y, round(g.width() * ratio), round(g.height() * ratio))
        grabs.append(ScreenGrab(screen.name(), _logical(screen), ratio, image))
    return grabs


class GrimHandler(_WholeDesktopHandler):
    """grim: wlroots compositors (Sway, Hyprland)."""

    name = "grim"
    command = ("grim",)

    def is_available(self) -> bool:
        return super().is_available() and is_wayland()


class SpectacleHandler(_WholeDesktopHandler):
    """KDE's spectacle in background mode."""

    name = "spectacle"
    command = ("spectacle", "--background", "--nonotify", "--fullscreen", "--output")

    def is_available(self) -> bool:
        return super().is_available() and is_wayland()


class PortalHandler(_WholeDesktopHandler):
    """xdg-desktop-portal's Screenshot call over D-Bus: GNOME, KDE and other Wayland desktops."""

    name = "portal"

    def is_available(self) -> bool:
        if not sys.platform.startswith("linux"):
            return False
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return False
        return QDBusConnection.sessionBus().isConnected()

    def _desktop_image(self) -> QImage:
        from .portal import portal_screenshot

        return QImage(str(portal_screenshot()))
