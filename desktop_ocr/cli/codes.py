"""Codes in the CLI: searched beside each answer (for --format json and --record) on a thread of
their own, and `--mode codes`, which prints the codes of each input and loads no model."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..codes import Code, codes_json, read_codes
from ..engine.prompts import Mode
from .pipeline import InputsRun, Unit

if TYPE_CHECKING:
    from PIL import Image

    from ..engine import Backend


def is_codes_mode(args: argparse.Namespace) -> bool:
    return getattr(args, "mode", None) == Mode.CODES.value


def check_codes_mode(args: argparse.Namespace) -> str | None:
    """What is wrong with the flags given with --mode codes (None when nothing)."""
    if not is_codes_mode(args):
        return None
    if args.output:
        return "--mode codes prints the codes to stdout: leave out -o"
    if args.record:
        return "--mode codes is not recorded: leave out --record"
    return None


class CodeSearch:
    """Reads pictures' codes on one thread of its own, so the model never waits for them."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="codes")

    def submit(self, image: Image.Image) -> Future[list[Code]]:
        return self._pool.submit(read_codes, image)

    def searched(
        self, units: Iterator[tuple[Unit, Image.Image | None]]
    ) -> Iterator[tuple[Unit, Image.Image | None]]:
        """The same units, each picture's code search started as it comes by."""
        for unit, image in units:
            if image is not None:
                unit.codes = self.submit(image)
            yield unit, image

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def codes_of(unit: Unit) -> list[Code]:
    """The unit's codes, once read ([] when none were searched)."""
    return unit.codes.result() if unit.codes is not None else []


def _no_model() -> Backend:
    raise AssertionError("--mode codes loads no model")


class CodesOnlyRun(InputsRun):
    """`--mode codes`: each input's codes, one text a line (a JSON line each with --format json);
    an input or page without a code is one line on stderr and counts as failed."""

    def run(self, jobs: int = 1) -> int:
        """Read every input in order (`jobs` is for answers; codes are read here, one at a time)."""
        self.backend = _no_model
        planned = self.plan()
        self._headers = self._show_headers(planned)
        for position, (_named, item, _target) in enumerate(planned):
            if self.cancelled.is_set():
                break
            if item.error:
                self.fail(item.error)
                continue
            for unit, image in self._units(position, item):
                if self.cancelled.is_set():
                    break
                if image is not None:
                    self._print(unit, read_codes(image))
        return self.failures

    def _print(self, unit: Unit, codes: list[Code]) -> None:
        if self.as_json:
            self.out.write(self._json(unit, codes))
        elif codes:
            self._header(unit)
            for code in codes:
                self.out.write(code.text + "\n")
        self.out.flush()
        if not codes:
            self.fail(f"{unit.label}: no QR code or barcode found")

    @staticmethod
    def _json(unit: Unit, codes: list[Code]) -> str:
        import json

        record: dict[str, object] = {"file": unit.item.name}
        if unit.page is not None:
            record["page"] = unit.page
        record["codes"] = codes_json(codes)
        return json.dumps(record, ensure_ascii=False) + "\n"
