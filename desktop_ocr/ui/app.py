"""Start the window: the GUI opens at once; torch and the model load on the worker thread."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import __version__
from .main_window import MainWindow
from .settings import load_settings

# resources/ beside the package in a source checkout, or inside a PyInstaller bundle.
RESOURCES = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2])) / "resources"
ORGANIZATION = "desktop-ocr"
APPLICATION = "desktop-ocr"


def settings_store() -> QSettings:
    """The user's settings file ($DESKTOP_OCR_SETTINGS overrides where, for tests)."""
    path = os.environ.get("DESKTOP_OCR_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def create_window(args: argparse.Namespace, flags: set[str]) -> MainWindow:
    store = settings_store()
    settings = load_settings(store).with_flags(args, flags)
    window = MainWindow(settings, store)
    if args.prompt:
        window.use_custom_prompt(args.prompt)
    if args.images:
        window.add_paths(args.images)
    return window


def run(args: argparse.Namespace, flags: set[str]) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    icon = RESOURCES / "desktop-ocr.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    window = create_window(args, flags)
    window.show()
    code = app.exec()
    window.shut_down()
    return int(code)
