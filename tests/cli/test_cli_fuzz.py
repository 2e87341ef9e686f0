"""A generated corpus of 200+ bad, odd and good inputs through one CLI batch, in this process:
no traceback, no warning on stderr, one line per refused input, and every good input answered.

One batch with the tiny model, a small pixel budget and one new token keeps it to seconds; the
run-wide flags (--pages, --dpi) get runs of their own, which end before any model is loaded.
"""

from __future__ import annotations

import json
import warnings

import pytest

from tests.cli.fuzz_corpus import build, png_with_chunk, strip_pdf, tiff_pages
from tests.cli_in_process import run_main

FAST = ["--dtype", "float32", "--min-pixels", "3136", "--max-pixels", "12544", "--max-new-tokens", "1"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    return build(folder)


def run_batch(tiny_model, paths, *flags):
    """The batch in this process; returns (exit code, answered inputs, stderr lines, leaked warnings)."""
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        ran = run_main(
            ["--cli", *map(str, paths), "--model", str(tiny_model), *FAST, "--format", "json", *flags]
        )
    answered: dict[str, int] = {}
    for line in ran.stdout.decode().splitlines():
        name = json.loads(line)["file"]
        answered[name] = answered.get(name, 0) + 1
    leaked = [
        w for w in leaked if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))
    ]
    return ran.returncode, answered, ran.stderr.decode().splitlines(), leaked


def test_the_corpus_is_answered_or_refused_in_one_line_each(tiny_model, corpus, capfd):
    assert len(corpus) >= 200
    code, answered, lines, leaked = run_batch(tiny_model, [case.path for case in corpus])
    assert not any("Traceback" in line or line.startswith("  File ") for line in lines), "\n".join(lines)
    assert [str(w.message) for w in leaked] == []
    assert capfd.readouterr().err == ""  # nothing below Python either (libtiff, pdfium)
    assert code == 1  # some inputs were refused
    strays = [line for line in lines if not line.startswith("desktop-ocr: ")]
    assert strays == []
    for case in corpus:
        name = str(case.path)
        about = [
            line for line in lines if f"desktop-ocr: {name}:" in line or f"desktop-ocr: {name} page" in line
        ]
        if case.good:
            assert name in answered and about == [], (name, about)
        elif name not in answered:
            assert len(about) == 1, (name, about)  # refused: exactly one line
    named = {str(case.path) for case in corpus}
    assert all(any(f"{n}:" in line or f"{n} page" in line for n in named) for line in lines)


def test_the_reviews_crashing_inputs_leave_the_rest_of_the_batch_answered(tiny_model, tmp_path):
    """Each of these ended the whole run with a traceback (two while planning: nothing answered)."""
    from PIL import Image

    good = tmp_path / "a.png"
    Image.new("RGB", (120, 60), "white").save(good)
    bad = {
        "ztxt.png": png_with_chunk(b"zTXt", b"c\0\0" + __import__("zlib").compress(b"A" * 8_000_000)),
        "bomb.tiff": tiff_pages([(20000, 20000)]),
        "bigpage2.tiff": tiff_pages([(100, 100), (20000, 20000)]),
        "strip.pdf": strip_pdf(100000, 10),
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    cut = tmp_path / "trunc-multi.tiff"
    frames = [Image.new("RGB", (64, 64), color) for color in ("white", "gray", "black")]
    frames[0].save(cut, save_all=True, append_images=frames[1:])
    cut.write_bytes(cut.read_bytes()[: int(cut.stat().st_size * 0.6)])
    last = tmp_path / "z.png"
    Image.new("RGB", (120, 60), "white").save(last)
    inputs = [good, *(tmp_path / name for name in bad), cut, last]
    code, answered, lines, leaked = run_batch(tiny_model, inputs)
    assert not any("Traceback" in line for line in lines), "\n".join(lines)
    assert str(good) in answered and str(last) in answered
    assert str(tmp_path / "strip.pdf") in answered  # drawn as the engine pads any strip
    assert answered.get(str(tmp_path / "bigpage2.tiff")) == 1  # its first page
    for name in ("ztxt.png", "bomb.tiff", "bigpage2.tiff"):
        assert len([line for line in lines if f"{tmp_path / name}" in line]) == 1, (name, lines)
    # Its page list is cut: read as the image its first page is, or refused in one line.
    about_cut = [line for line in lines if str(cut) in line]
    assert (str(cut) in answered and about_cut == []) or len(about_cut) == 1
    assert leaked == [] and code == 1


def test_a_png_with_a_pdf_marker_is_read_as_a_png(tiny_model, tmp_path):
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "%PDF-1.7")
    path = tmp_path / "marker.png"
    Image.new("RGB", (120, 60), "white").save(path, pnginfo=info)
    code, answered, lines, _ = run_batch(tiny_model, [path])
    assert (code, answered, lines) == (0, {str(path): 1}, [])


@pytest.mark.parametrize(
    "flags",
    [
        ["--pages", value]
        for value in (
            "0",
            "-1",
            "3-1",
            "a",
            "1,,2",
            "1-",
            "-",
            "",
            "1.5",
            "99999999999999999999",
            "1-2-3",
            "x-y",
        )
    ]
    + [["--dpi", value] for value in ("0", "-72", "nan", "inf", "1e9", "abc", "", "72.5.1", "0x10", "1e-9")],
)
def test_bad_pages_and_dpi_are_one_line_before_any_work(tiny_model, corpus, flags):
    pdf = next(case.path for case in corpus if case.path.name.endswith("valid.pdf"))
    code, answered, lines, leaked = run_batch(tiny_model, [pdf], *flags)
    assert not any("Traceback" in line for line in lines)
    if answered:  # a value that happens to be valid (e.g. 1-: all pages from 1)
        assert code == 0 and lines == [] and leaked == []
        return
    errors = [line for line in lines if "error" in line or line.startswith("desktop-ocr:")]
    assert code in (1, 2) and len(errors) == 1, lines
