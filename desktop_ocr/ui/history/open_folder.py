"""Show a folder in the desktop's file manager, and say so when there is none."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QUrl
from PySide6.QtGui import QDesktopServices


def no_file_manager(folder: Path) -> str:
    return f"No file manager could open the image folder: {folder}"


def open_folder(folder: Path, say: Callable[[str], None], parent: QObject) -> None:
    """Open `folder`; `say` gets one line if nothing could show it.

    On Linux, Qt's openUrl reports success once xdg-open has started, even when xdg-open then
    finds no program for folders (exit status 3): xdg-open is run here so its answer is heard.
    """
    xdg_open = shutil.which("xdg-open") if sys.platform.startswith("linux") else None
    if xdg_open is None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            say(no_file_manager(folder))
        return
    process = QProcess(parent)
    process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
    process.setStandardOutputFile(QProcess.nullDevice())

    def finished(code: int, _status: QProcess.ExitStatus) -> None:
        if code != 0:
            say(no_file_manager(folder))
        process.deleteLater()

    process.finished.connect(finished)
    process.errorOccurred.connect(
        lambda error: say(no_file_manager(folder)) if error == QProcess.ProcessError.FailedToStart else None
    )
    process.start(xdg_open, [str(folder)])
