"""The answer's look beyond bare HTML, the same in the pane and in a saved .html: code on a
tinted block, room above and below tables (a table under a display formula touched it), and a
formula that is the whole answer drawn larger than one among text."""

from __future__ import annotations

CODE_TINT = 0.08  # of the text colour mixed into the background behind code
TABLE_MARGIN_PX = 10
ALONE_SCALE = 1.6  # a formula that is the whole answer, against a display formula among text


def tint(base: str, text: str, share: float = CODE_TINT) -> str:
    """`base` moved `share` of the way to `text` (#rrggbb): a light grey on white, a lighter
    grey on a dark background, so code stands out in either palette."""
    a, b = _rgb(base), _rgb(text)
    mixed = (round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{value:02x}" for value in mixed)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def pane_style_sheet(base: str, text: str) -> str:
    """The pane's default style sheet (the CSS subset QTextDocument reads) for its palette."""
    code = tint(base, text)
    return (
        f"pre {{ background-color: {code}; }}\n"
        f"code {{ background-color: {code}; }}\n"
        f"table {{ margin-top: {TABLE_MARGIN_PX}px; margin-bottom: {TABLE_MARGIN_PX}px; }}\n"
    )


EXPORT_STYLE = f"""pre, code {{ background: {tint("#ffffff", "#000000")}; }}
pre {{ padding: 0.5em 0.75em; overflow-x: auto; }}
table {{ margin: {TABLE_MARGIN_PX}px 0; }}
.formula-only math {{ font-size: {ALONE_SCALE * 100:.0f}%; }}"""
