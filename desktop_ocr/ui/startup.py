"""Start the window: the GUI opens at once; torch and the model load on the worker thread.

Here the process becomes the single instance (or hands its request to the running one), the
App is built from the saved settings and this run's flags, and the tray and hotkey are set up.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
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
from ..config import RunFlags
from ..core.incoming import SourceKind
from ..core.settings_store import APPLICATION, ORGANIZATION, load_settings, settings_store
from .application import App
from .platform.hotkeys import HotkeyController
from .platform.single_instance import (
    HANDOFF_WAIT_S,
    InstanceLock,
    InstanceServer,
    send_to_running_instance,
    server_name,
)
from .platform.tray import create_tray, show_global_hotkey
from .window.focus_ring import install_focus_ring

# Package data (desktop_ocr/resources/): in a checkout, a wheel and the PyInstaller bundle alike.
RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def create_app(args: argparse.Namespace, flags: set[str]) -> App:
    store = settings_store()
    run_flags = RunFlags.from_args(load_settings(store), args, flags)
    app = App(run_flags.settings, store)
    app.run_flags = run_flags  # Settings → OK saves the saved values under these, not the flags
    if args.prompt:
        app.window.use_custom_prompt(args.prompt)
    app.documents.flags = document_flags(vars(args))
    if args.images:
        app.add_paths(args.images)
    return app


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


def start_hotkey(app: App) -> HotkeyController:
    """The global snip hotkey from the settings, on whichever backend this desktop offers."""
    hotkeys = HotkeyController()
    hotkeys.activated.connect(app.snip)
    hotkeys.failed.connect(lambda message: app.window.show_status(f"Hotkey: {message}", 15000))
    hotkeys.off.connect(app.window.show_hotkey_off)  # lasts: the loader's lines replace the one above
    menu = app.tray.contextMenu() if app.tray is not None else None
    if menu is not None:
        hotkeys.held.connect(lambda key: show_global_hotkey(menu, key))

    def grab() -> None:
        if app.settings.hotkey and hotkeys.apply(app.settings.hotkey) is None:
            app.log(f"hotkey {app.settings.hotkey} grabbed ({hotkeys.backend_name()})")

    # Once the event loop runs: the portal may show the desktop's dialog and wait for the user.
    QTimer.singleShot(0, grab)
    return hotkeys


def configure_logging(verbose: bool) -> None:
    """The package's log lines on stderr as the app's own: warnings always, the rest with --verbose."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("desktop-ocr: %(message)s"))
    logger = logging.getLogger("desktop_ocr")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)  # libraries' loggers stay as they are


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


def handle_request(app: App, request: dict[str, Any]) -> None:
    """A request from a second `desktop-ocr` process (single instance)."""
    shown = {**request, "password": "(given)"} if request.get("password") else request
    app.log(f"request: {shown}")  # never the password, even with --verbose
    images = [str(p) for p in request.get("images", []) if isinstance(p, str)]
    if images:
        app.window.bring_to_front()
        kept, app.documents.flags = app.documents.flags, document_flags(request)
        try:
            app.add_paths(images, SourceKind.HANDOFF)
        finally:
            app.documents.flags = kept
    if request.get("snip"):
        app.snip()
    elif request.get("quit"):
        app.quit()
    elif not images:
        app.window.bring_to_front()


def run(args: argparse.Namespace, flags: set[str]) -> int:
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    lock = InstanceLock(server_name())
    handed = hand_over(instance_request(args), lock, args.verbose)
    if handed is not None:
        return handed
    if args.quit:
        lock.release()
        print("desktop-ocr: no running instance to quit", file=sys.stderr)
        return 0
    qt_app.setApplicationName(APPLICATION)
    install_focus_ring(qt_app)  # Fusion's focus fades into a dark palette
    qt_app.setOrganizationName(ORGANIZATION)
    qt_app.setApplicationVersion(__version__)
    qt_app.setDesktopFileName(APP_ID)  # Wayland's app_id: the desktop matches it to the .desktop file
    icon = RESOURCES / "desktop-ocr.svg"
    if icon.exists():
        qt_app.setWindowIcon(QIcon(str(icon)))
    configure_logging(args.verbose)
    app = create_app(args, flags)
    window = app.window
    if args.verbose:
        app.log = lambda message: print(f"desktop-ocr: {message}", file=sys.stderr, flush=True)
        from huggingface_hub import constants

        app.log(f"settings: {app.store.fileName()}")
        app.log(f"model cache: {constants.HF_HUB_CACHE}")
    server = InstanceServer()
    server.request_received.connect(lambda request: handle_request(app, request))
    if server.listen():
        app.log(f"listening as {server_name()}")
    app.tray = create_tray(
        window,
        qt_app.windowIcon(),
        window.snip_action,
        window.private_snip_action,
        window.show_action,
        window.quit_action,
    )
    qt_app.setQuitOnLastWindowClosed(not (app.settings.keep_in_tray and app.tray is not None))
    hotkey = app.hotkeys = start_hotkey(app)  # Settings changes the key through it
    if args.snip:
        app.snip()
    else:
        window.show()
    code = qt_app.exec()
    hotkey.stop()
    server.close()
    app.shut_down()
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
