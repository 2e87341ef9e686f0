"""Copy for Word (HTML with MathML + plain text) and Copy table (HTML table + TSV)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from desktop_ocr.render.clipboard import for_spreadsheet, for_word, tables_to_copy
from desktop_ocr.render.tables import find_tables

MATHML = "{http://www.w3.org/1998/Math/MathML}"
ANSWER = r"""Energy $E = mc^2$ holds.

$$\int_0^1 x\,dx = \frac{1}{2}$$

| Name | Value |
|---|---|
| a | 1 |

A <b>tag</b> and [a link](javascript:alert(1))."""


def _parsed(page: str) -> ElementTree.Element:
    # The payload is XHTML-compatible: parse it strictly, so malformed markup fails here.
    return ElementTree.fromstring(page.replace('<meta charset="utf-8">', '<meta charset="utf-8"/>'))


def test_word_html_has_a_mathml_element_per_formula():
    payload = for_word(ANSWER)
    root = _parsed(payload.html)
    maths = list(root.iter(f"{MATHML}math"))
    assert [m.get("display") for m in maths] == ["inline", "block"]
    assert "mfrac" in ElementTree.tostring(maths[1], encoding="unicode")
    assert root.find(".//table") is not None


def test_word_html_keeps_model_text_as_text():
    page = for_word(ANSWER).html
    assert "<b>" not in page and "&lt;b&gt;tag&lt;/b&gt;" in page
    assert "href" not in page  # an unsafe link stays text


def test_word_plain_text_has_formulas_as_tex():
    text = for_word(ANSWER).text
    assert "Energy $E = mc^2$ holds." in text
    assert "$$\\int_0^1 x\\,dx = \\frac{1}{2}$$" in text
    assert "<math" not in text


def test_rtf_escapes_text_and_writes_formulas_as_rtf_math():
    from desktop_ocr.render.rtf import escape, to_rtf

    assert escape("a{b}\\c é 😀") == "a\\{b\\}\\\\c \\u233? \\u-10179?\\u-8704?"
    rtf = to_rtf("Fraction $\\frac{a}{b}$ {not a group}")
    assert "{\\mf{\\mnum {\\mr a}}{\\mden {\\mr b}}}" in rtf
    assert "\\{not a group\\}" in rtf


def test_a_bare_latex_answer_is_one_displayed_formula():
    maths = list(_parsed(for_word(r"\frac{a}{b}", latex_mode=True).html).iter(f"{MATHML}math"))
    assert [m.get("display") for m in maths] == ["block"]


def test_copy_table_gives_tsv_and_an_html_table_of_the_same_cells():
    payload = for_spreadsheet(find_tables(ANSWER))
    assert payload.text == "Name\tValue\na\t1\n"
    cells = re.findall(r"<td>(.*?)</td>", payload.html)
    assert cells == ["Name", "Value", "a", "1"]


def test_the_table_under_the_cursor_else_all():
    answer = "| a |\n|---|\n| 1 |\n\ntext\n\n| b |\n|---|\n| 2 |"
    assert [t.rows[0][0] for t in tables_to_copy(answer, 1)] == ["b"]
    assert [t.rows[0][0] for t in tables_to_copy(answer)] == ["a", "b"]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


@pytest.fixture(scope="module")
def soffice_profile(tmp_path_factory):
    """One LibreOffice profile for the module: making one is most of a first conversion's time."""
    return tmp_path_factory.mktemp("soffice")


def _odt_from(folder, profile, name: str, data: str) -> zipfile.ZipFile:
    """`data` saved as `name` and converted by LibreOffice Writer, as a paste would read it."""
    source = folder / name
    source.write_text(data, encoding="utf-8")
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(profile / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(profile)},
    )
    return zipfile.ZipFile(folder / f"{source.stem}.odt")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_writer_reads_the_word_html(tmp_path, soffice_profile):
    """The HTML as Writer imports it (what a paste does): prose, each formula in its place, the table.

    Writer 7.4 reads each <math> element's content as text in its place; it makes no
    formula objects from HTML (the RTF beside it gives those: the next test).
    """
    with _odt_from(tmp_path, soffice_profile, "paste.html", for_word(ANSWER).html) as odt:
        content = ElementTree.fromstring(odt.read("content.xml"))
    paragraphs = ["".join(p.itertext()).strip() for p in content.iter(f"{TEXT}p")]
    assert "Energy E=mc2 holds." in paragraphs
    assert any(p.startswith("∫01xdx=12") for p in paragraphs)
    cells = ["".join(c.itertext()) for c in content.iter(f"{TABLE}table-cell")]
    assert cells == ["Name", "Value", "a", "1"]


DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_makes_formula_objects_of_the_word_rtf(tmp_path, soffice_profile):
    """The RTF of Copy for Word, read by Writer: each formula an embedded Math object, in its place."""
    answer = ANSWER + "\n\nRoots $\\sqrt[3]{x} + \\hat{a}$ and $\\begin{pmatrix}1&0\\\\0&1\\end{pmatrix}$ é."
    with _odt_from(tmp_path, soffice_profile, "paste.rtf", for_word(answer).rtf) as odt:
        content = ElementTree.fromstring(odt.read("content.xml"))
        objects = [o.get(f"{XLINK}href").removeprefix("./") for o in content.iter(f"{DRAW}object")]
        # Each object is a Math formula: MathML with its StarMath source as the annotation.
        starmath = [
            ElementTree.fromstring(odt.read(f"{name}/content.xml")).findtext(f".//{MATHML}annotation")
            for name in objects
        ]
    assert len(objects) == 4  # E = mc^2, the displayed integral, the root and accent, the matrix
    assert starmath[0] == "E = m {c} ^ {2}"
    assert "over" in starmath[1] and "nroot {3} {x}" in starmath[2] and "matrix" in starmath[3]
    first = next(p for p in content.iter(f"{TEXT}p") if "Energy" in "".join(p.itertext()))
    assert first.find(f".//{DRAW}object") is not None  # inline, inside its sentence
    paragraphs = ["".join(p.itertext()) for p in content.iter(f"{TEXT}p")]
    assert "NameValue" in paragraphs  # a table row: its cells a tab apart in one paragraph
    assert paragraphs[-1].endswith(" é.")
