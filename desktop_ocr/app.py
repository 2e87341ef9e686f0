"""Where the window starts; it is built on the engine in the next step of the project."""

from __future__ import annotations

import argparse
import sys

from .engine.options import EngineOptions


def run_window(args: argparse.Namespace, options: EngineOptions) -> int:
    """Open the main window (not part of this version yet: say so and point to --cli)."""
    del args, options
    print("desktop-ocr: the window is not part of this version yet; use --cli IMAGE", file=sys.stderr)
    return 2
