"""The `desktop-ocr` command line.

parser: flags; run: the entry point; pipeline: inputs → pages → answers; batch: --jobs;
inputs: files, documents and folders; destinations: -o FILE or DIR/; output: what is printed.
"""

from .parser import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    build_parser,
    engine_options,
    flags_given,
)
from .run import CliRun, entry_point, main

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "CliRun",
    "build_parser",
    "engine_options",
    "entry_point",
    "flags_given",
    "main",
]
