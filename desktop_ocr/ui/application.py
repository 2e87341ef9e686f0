"""Start the window: the GUI opens at once; torch and the model load on the worker thread."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..capture.dbus_portal import APP_ID
from ..core.incoming import SourceKind
from ..core.settings_store import APPLICATION, ORGANIZATION, load_settings, settings_store
from .platform.hotkeys import HotkeyController
from .platform.single_instance import (
    HANDOFF_WAIT_S,
    InstanceLock,
    InstanceServer,
    send_to_running_instance,
    server_name,
)
from .platform.tray import create_tray
from .window.main_window import MainWindow

# resources/ beside the package in a source checkout, or inside a PyInstaller bundle.
RESOURCES = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2])) / "resources"


def create_window(args: argparse.Namespace, flags: set[str]) -> MainWindow:
    store = settings_store()
    settings = load_settings(store).with_flags(args, flags)
    window = MainWindow(settings, store)
    if args.prompt:
        window.use_custom_prompt(args.prompt)
    window.docs.flags = document_flags(vars(args))
    if args.images:
        window.add_paths(args.images)
    return window


def document_flags(given: dict[str, Any]) -> dict[str, object]:
    """--pages, --password, --dpi for the window's documents (from args, or a handed-over request)."""
    from ..documents import PageRangeError, parse_page_ranges

    flags: dict[str, object] = {}
    if given.get("pages") is not None:
        # The first process checked it; a bad one handed over means "ask".
        with contextlib.suppress(PageRangeError):
            flags["pages"] = parse_page_ranges(str(given["pages"]))
    if isinstance(given.get("password"), str):
        flags["password"] = given["password"]
    if isinstance(given.get("dpi"), (int, float)):
        flags["dpi"] = float(given["dpi"])
    return flags


def start_hotkey(window: MainWindow) -> HotkeyController:
    """The global snip hotkey from the settings, on whichever backend this desktop offers."""
    hotkeys = HotkeyController()
    hotkeys.activated.connect(window.start_snip)
    hotkeys.failed.connect(lambda message: window.statusBar().showMessage(f"Hotkey: {message}", 15000))

    def grab() -> None:
        if window.settings.hotkey and hotkeys.apply(window.settings.hotkey) is None:
            window.log(f"hotkey {window.settings.hotkey} grabbed ({hotkeys.backend_name()})")

    # Once the event loop runs: the portal may show the desktop's dialog and wait for the user.
    QTimer.singleShot(0, grab)
    return hotkeys


def instance_request(args: argparse.Namespace) -> dict[str, Any]:
    """What a second process asks the running one to do."""
    return {
        "images": [str(Path(p).resolve()) for p in args.images],
        "snip": bool(args.snip),
        "quit": bool(args.quit),
        "pages": None if getattr(args, "pages", None) is None else str(args.pages),
        "password": getattr(args, "password", None),
        "dpi": getattr(args, "dpi", None),
    }


def handle_request(window: MainWindow, request: dict[str, Any]) -> None:
    """A request from a second `desktop-ocr` process (single instance)."""
    shown = {**request, "password": "(given)"} if request.get("password") else request
    window.log(f"request: {shown}")  # never the password, even with --verbose
    images = [str(p) for p in request.get("images", []) if isinstance(p, str)]
    if images:
        window.bring_to_front()
        kept, window.docs.flags = window.docs.flags, document_flags(request)
        try:
            window.add_paths(images, SourceKind.HANDOFF)
        finally:
            window.docs.flags = kept
    if request.get("snip"):
        window.start_snip()
    elif request.get("quit"):
        window.quit()
    elif not images:
        window.bring_to_front()


def run(args: argparse.Namespace, flags: set[str]) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    lock = InstanceLock(server_name())
    handed = hand_over(instance_request(args), lock, args.verbose)
    if handed is not None:
        return handed
    if args.quit:
        lock.release()
        print("desktop-ocr: no running instance to quit", file=sys.stderr)
        return 0
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland's app_id: the desktop matches it to the .desktop file
    icon = RESOURCES / "desktop-ocr.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    window = create_window(args, flags)
    if args.verbose:
        window.log = lambda message: print(f"desktop-ocr: {message}", file=sys.stderr, flush=True)
        from huggingface_hub import constants

        window.log(f"settings: {window.store.fileName()}")
        window.log(f"model cache: {constants.HF_HUB_CACHE}")
    server = InstanceServer()
    server.request_received.connect(lambda request: handle_request(window, request))
    if server.listen():
        window.log(f"listening as {server_name()}")
    window.tray = create_tray(
        window, app.windowIcon(), window.snip_action, window.show_action, window.quit_action
    )
    if window.tray is not None and window.tray.contextMenu() is not None:
        # After Snip: a snip never recorded in the history.
        window.tray.contextMenu().insertAction(window.show_action, window.private_snip_action)
    app.setQuitOnLastWindowClosed(not (window.settings.keep_in_tray and window.tray is not None))
    hotkey = window.hotkeys = start_hotkey(window)  # Settings changes the key through it
    if args.snip:
        window.start_snip()
    else:
        window.show()
    code = app.exec()
    hotkey.stop()
    server.close()
    window.shut_down()
    lock.release()
    return int(code)


def hand_over(request: dict[str, Any], lock: InstanceLock, verbose: bool) -> int | None:
    """Give `request` to the running instance: its exit code, or None when this process is to
    be the running instance (it holds `lock` then).

    While another process holds the lock (starting, or busy) the request waits for it rather
    than opening a second window; one id across the attempts, so it is handled at most once.
    """
    request = {**request, "id": uuid.uuid4().hex}
    deadline = time.monotonic() + HANDOFF_WAIT_S
    said = False
    while True:
        # A quick first try: a responsive instance answers at once, and a busy one is said.
        wait = 1.0 if not said else max(0.5, deadline - time.monotonic())
        if send_to_running_instance(request, timeout_s=wait):
            return 0  # the running instance (and its warm model) took the request
        if lock.acquire():
            return None
        if time.monotonic() >= deadline:
            print(
                f"desktop-ocr: the running desktop-ocr (process {lock.holder() or '?'}) did not take the"
                f" request within {HANDOFF_WAIT_S:.0f} s: nothing was done",
                file=sys.stderr,
            )
            return 1
        if not said:
            said = True
            if verbose:
                print(
                    f"desktop-ocr: waiting for the running desktop-ocr (process {lock.holder() or '?'})",
                    file=sys.stderr,
                    flush=True,
                )
        time.sleep(0.1)  # it is starting: its socket appears once its window is made
