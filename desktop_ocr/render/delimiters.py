"""Find math in model output: normalise delimiters, close a half-streamed formula."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENV = re.compile(r"\\(begin|end)\{([A-Za-z*]+)\}")
_DANGLING_COMMAND = re.compile(r"\\[A-Za-z]*$")


def _escaped(text: str, index: int) -> bool:
    """Whether text[index] is preceded by an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


_BACKSLASH_BRACKET = re.compile(r"(\\+)([()\[\]])")


def normalise_delimiters(text: str) -> str:
    r"""Rewrite \( \) and \[ \] as $ and $$ (markdown-it would eat the backslash otherwise).

    A bracket after an odd run of backslashes is a delimiter; after an even run (`\\[2pt]`,
    a line break with spacing inside a formula) it is left alone.
    """

    def replace(match: re.Match[str]) -> str:
        slashes, bracket = match.groups()
        if len(slashes) % 2 == 0:
            return match.group(0)
        return slashes[:-1] + ("$" if bracket in "()" else "$$")

    return _BACKSLASH_BRACKET.sub(replace, text)


def has_math_delimiters(text: str) -> bool:
    normal = normalise_delimiters(text)
    return "$" in normal.replace("\\$", "") or bool(_ENV.search(normal))


@dataclass(frozen=True)
class OpenMath:
    """An unclosed formula at the end of a streamed text."""

    start: int  # where its content starts
    closer: str  # "$" or "$$"


def find_open_math(text: str) -> OpenMath | None:
    """The formula still open at the end of `text` (after normalise_delimiters), if any."""
    i, n = 0, len(text)
    in_code_block = False
    line_start = True
    while i < n:
        if line_start and text.startswith("```", i):
            in_code_block = not in_code_block
        line_start = text[i] == "\n"
        if in_code_block:
            i += 1
            continue
        char = text[i]
        if char == "`":
            end = text.find("`", i + 1)
            if end == -1:
                return None
            i = end + 1
            continue
        if char == "$" and not _escaped(text, i):
            closer = "$$" if text.startswith("$$", i) else "$"
            start = i + len(closer)
            end = _find_closer(text, start, closer)
            if end == -1:
                return OpenMath(start, closer)
            i = end + len(closer)
            line_start = False
            continue
        i += 1
    return None


def _find_closer(text: str, start: int, closer: str) -> int:
    index = start
    while True:
        index = text.find(closer, index)
        if index == -1 or not _escaped(text, index):
            return index
        index += 1


def close_formula(tex: str) -> str:
    """Complete a formula cut off mid-stream so that it renders as far as it goes."""
    dangling = _DANGLING_COMMAND.search(tex)
    if dangling and not _escaped(tex, dangling.start()):  # not the second half of a \\ break
        tex = tex[: dangling.start()]
    if tex.endswith(("^", "_")) and not _escaped(tex, len(tex) - 1):
        tex += "{}"
    depth = 0
    for index, char in enumerate(tex):
        if char in "{}" and _escaped(tex, index):
            continue
        if char == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
    tex += "}" * depth
    lefts = len(re.findall(r"\\left(?![A-Za-z])", tex)) - len(re.findall(r"\\right(?![A-Za-z])", tex))
    environments: list[str] = []
    for kind, name in _ENV.findall(tex):
        if kind == "begin":
            environments.append(name)
        elif environments and environments[-1] == name:
            environments.pop()
    # Close \left and environments innermost first; a \left opened inside an environment
    # is closed before it, which is the common case in streamed output.
    tex += " \\right." * max(lefts, 0)
    for name in reversed(environments):
        tex += f"\\end{{{name}}}"
    return tex


AMS_ENVIRONMENTS = (
    "equation",
    "align",
    "gather",
    "multline",
    "flalign",
    "alignat",
    "eqnarray",
)
_TOP_LEVEL_BEGIN = re.compile(r"\\begin\{((?:" + "|".join(AMS_ENVIRONMENTS) + r")\*?)\}")


def _open_environment(text: str) -> int:
    """Where an unclosed top-level AMS environment begins (-1 if none)."""
    for match in reversed(list(_TOP_LEVEL_BEGIN.finditer(text))):
        if f"\\end{{{match.group(1)}}}" not in text[match.end() :]:
            return match.start()
    return -1


def close_open_math(text: str) -> str:
    """`text` with a trailing unclosed formula (or AMS environment) completed and closed."""
    open_math = find_open_math(text)
    if open_math is None:
        start = _open_environment(text)
        return text if start == -1 else text[:start] + close_formula(text[start:])
    head, tex = text[: open_math.start], text[open_math.start :]
    if not tex.strip():
        return text[: open_math.start - len(open_math.closer)]  # only the opening delimiter
    return head + close_formula(tex) + open_math.closer
