"""A code found in an image, as plain data that goes into JSON and the history unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Corner = tuple[int, int]


@dataclass(frozen=True)
class Code:
    """One decoded QR code or barcode."""

    format: str  # as zxing-cpp names it: "QR Code", "Micro QR Code", "EAN-13", "Data Matrix", …
    text: str
    # top-left, top-right, bottom-right, bottom-left (as the code reads: a rotated code's
    # top-left corner need not be the one nearest the image's top-left), in the image's pixels
    position: tuple[Corner, Corner, Corner, Corner]

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "text": self.text, "position": [list(xy) for xy in self.position]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Code:
        corners = tuple((int(x), int(y)) for x, y in data["position"])
        if len(corners) != 4:
            raise ValueError(f"a code's position has four corners, not {len(corners)}")
        return cls(str(data["format"]), str(data["text"]), corners)


def codes_json(codes: Iterable[Code]) -> list[dict[str, Any]]:
    return [code.to_json() for code in codes]


def codes_from_json(data: Sequence[dict[str, Any]]) -> tuple[Code, ...]:
    return tuple(Code.from_json(item) for item in data)
