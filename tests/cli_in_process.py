"""`desktop-ocr ARGS` run in this process: the same `main` a user's command runs, without paying
a new interpreter, a torch import and a model load per call (11-19 s each as a subprocess).

What only a real process shows (the entry point, exit codes set by the interpreter, a closed
pipe) keeps one subprocess test each (tests/cli/test_cli.py, tests/cli/test_cli_documents.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from unittest import mock


@dataclass(frozen=True)
class Ran:
    """Like subprocess.CompletedProcess: the exit status and what was written, as bytes."""

    returncode: int
    stdout: bytes
    stderr: bytes


@contextlib.contextmanager
def _stdin(data: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = saved


def run_main(argv: Sequence[str], *, stdin: bytes = b"", env: dict[str, str] | None = None) -> Ran:
    """`desktop-ocr *argv` in-process, with its own stdin, stdout, stderr and environment changes."""
    from desktop_ocr.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    out_text = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    err_text = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    with (
        mock.patch.dict(os.environ, env or {}),
        _stdin(stdin),
        contextlib.redirect_stdout(out_text),
        contextlib.redirect_stderr(err_text),
    ):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse's usage errors, as the interpreter would exit
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    out_text.flush()
    err_text.flush()
    return Ran(code, out.getvalue(), err.getvalue())
