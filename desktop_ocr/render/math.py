"""LaTeX formulas to SVG: MathJax 4 in QuickJS (quickjax), ziamath as the fallback."""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol


class MathError(ValueError):
    """The formula is not valid LaTeX for the renderer; the message says why."""


@dataclass(frozen=True)
class MathSvg:
    """An SVG formula and where its baseline is, in em."""

    svg: str
    width_em: float
    ascent_em: float
    depth_em: float


class MathRenderer(Protocol):
    name: str

    def render(self, tex: str, display: bool) -> MathSvg: ...

    def check(self, tex: str, display: bool) -> None:
        """Raise MathError if `tex` does not render."""
        ...


_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
_MJX_ERROR = re.compile(r'data-mjx-error="([^"]*)"')
_MERROR = re.compile(r"<(?:\w+:)?merror|data-mml-node=\"merror\"")
# MathJax draws an undefined macro as its name in red.
_UNDEFINED = re.compile(r'<g data-mml-node="mtext" fill="red"[^>]*data-latex="([^"]*)"')


def _from_viewbox(svg: str, units_per_em: float = 1000.0) -> MathSvg:
    """Size and baseline from the viewBox, whose y = 0 is the baseline."""
    match = _VIEWBOX.search(svg)
    if not match:
        raise MathError("the renderer returned no viewBox")
    _x, y, width, height = (float(v) for v in match.groups())
    return MathSvg(
        svg=svg,
        width_em=width / units_per_em,
        ascent_em=-y / units_per_em,
        depth_em=(height + y) / units_per_em,
    )


class MathJaxRenderer:
    """MathJax 4 (AMS, mhchem, physics, ...) run in QuickJS; viewBox units are 1/1000 em."""

    name = "MathJax"

    def __init__(self) -> None:
        from quickjax import MathJaxRenderer as QuickJax

        self._lock = threading.Lock()
        self._engine = QuickJax()

    def render(self, tex: str, display: bool) -> MathSvg:
        with self._lock:
            try:
                svg = self._engine.render(tex, display=display)
            except Exception as error:  # noqa: BLE001 - the JS engine reports TeX errors as exceptions
                raise MathError(str(error).splitlines()[0] if str(error) else "invalid TeX") from None
        reported = _MJX_ERROR.search(svg)
        if reported or _MERROR.search(svg):
            raise MathError(reported.group(1) if reported else "invalid TeX")
        undefined = _UNDEFINED.search(svg)
        if undefined:
            raise MathError(f"undefined control sequence {undefined.group(1)}")
        return _from_viewbox(svg)

    def check(self, tex: str, display: bool) -> None:
        self.render(tex, display)


class ZiamathRenderer:
    """Pure-Python fallback where QuickJS is not available."""

    name = "ziamath"

    def __init__(self) -> None:
        import ziamath

        ziamath.config.svg2 = False  # QtSvg draws nothing from SVG 2 output
        self._ziamath = ziamath

    def render(self, tex: str, display: bool) -> MathSvg:
        try:
            math = self._ziamath.Latex(tex, size=1000, inline=not display, color="currentColor")
            svg = math.svg()
        except Exception as error:  # noqa: BLE001 - ziamath raises a variety of errors
            raise MathError(str(error).splitlines()[0] if str(error) else "invalid TeX") from None
        return _from_viewbox(svg)

    def check(self, tex: str, display: bool) -> None:
        self.render(tex, display)


class CachedMathRenderer:
    """Remembers recent formulas: a streamed answer re-renders the same ones many times."""

    def __init__(self, inner: MathRenderer, size: int = 512) -> None:
        self.inner = inner
        self.name = inner.name
        self._size = size
        self._cache: OrderedDict[tuple[str, bool], MathSvg | MathError] = OrderedDict()

    def render(self, tex: str, display: bool) -> MathSvg:
        key = (tex, display)
        if key in self._cache:
            self._cache.move_to_end(key)
            result = self._cache[key]
        else:
            try:
                result = self.inner.render(tex, display)
            except MathError as error:
                result = error
            self._cache[key] = result
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        if isinstance(result, MathError):
            raise result
        return result

    def check(self, tex: str, display: bool) -> None:
        self.render(tex, display)


@functools.lru_cache(maxsize=1)
def default_math_renderer() -> CachedMathRenderer:
    """MathJax where QuickJS imports, else ziamath: one per process, shared by every pane.

    A QuickJS context takes ~0.3 s to start, and it must never be torn down by Python's
    cyclic garbage collector while its JS objects are still alive.
    """
    try:
        inner: MathRenderer = MathJaxRenderer()
    except ImportError:
        inner = ZiamathRenderer()
    return CachedMathRenderer(inner)
