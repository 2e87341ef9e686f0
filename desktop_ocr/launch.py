"""Where the window starts (the Qt code lives in desktop_ocr.ui)."""

from __future__ import annotations

import argparse
import sys


def run_window(args: argparse.Namespace, flags: set[str]) -> int:
    """Open the main window; explicit command-line flags override the saved settings."""
    try:
        from .ui.startup import run
    except ImportError as error:
        print(f"desktop-ocr: cannot start the window ({error}); use --cli IMAGE", file=sys.stderr)
        return 2
    return run(args, flags)
