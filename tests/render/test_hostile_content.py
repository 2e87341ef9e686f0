"""Model text that tries to carry code, through every HTML the app makes, read by a real HTML5
parser (html5lib, as a browser parses): no script element, no event attribute, no link or
source other than http(s) (the pane's own `formula:N` images aside)."""

from __future__ import annotations

import html5lib
import pytest

from desktop_ocr.pages import PageResult
from desktop_ocr.render.document_export import render_document
from desktop_ocr.render.export import to_mathml
from desktop_ocr.render.html_export import _STYLE, markdown_to_html_body, standalone_html
from desktop_ocr.render.markdown import MarkdownRenderer
from desktop_ocr.render.math import default_math_renderer
from desktop_ocr.render.mathml import latex_to_mathml

HOSTILE = [
    r"$\text{<script>alert(1)</script>}$",
    r"$$\text{</math><script>alert(2)</script>}$$",
    r"$\text{</mtext></mrow></math><img src=x onerror=alert(3)>}$",
    r"$$\href{javascript:alert(4)}{x}$$",
    r"$\href{JaVaScRiPt:alert(5)}{x}$",
    r"$\href{data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==}{x}$",
    r"$\href{ javascript:alert(7)}{x}$",
    r"$\href{&#x6a;avascript:alert(8)}{x}$",
    r"$\href{http://ok.example/" + '"' + r" onmouseover=alert(9) x=" + '"' + r"}{x}$",
    r"$\text{&lt;script&gt;alert(10)&lt;/script&gt;}$",
    r"$\text{&#60;script&#62;alert(11)&#60;/script&#62;}$",
    r"$\text{&#x3c;svg onload=alert(12)&#x3e;}$",
    r"$\style{background:url(javascript:alert(13))}{x}$",
    r"$\mathrm{<svg><script>alert(14)</script></svg>}$",
    r"$\operatorname{<img src=x onerror=alert(15)>}$",
    r"$\text{<annotation-xml encoding='text/html'><script>alert(16)</script></annotation-xml>}$",
    r"$\text{<maction actiontype='statusline'>x</maction>}$",
    r"$$\begin{array}{c}\text{<script>alert(17)</script>}\end{array}$$",
    r"\begin{equation}\text{<iframe src=javascript:alert(18)>}\end{equation}",
    "<script>alert(19)</script>",
    "<img src=x onerror=alert(20)>",
    "<svg><script>alert(21)</script></svg>",
    "<math><mi xlink:href='javascript:alert(22)'>x</mi></math>",
    "[click](javascript:alert(23))",
    "[click](JAVASCRIPT:alert(24))",
    "[click](jav&#x61;script:alert(25))",
    "[click](data:text/html,<script>alert(26)</script>)",
    "[click](vbscript:msgbox(27))",
    "[click](file:///etc/passwd)",
    '[click](http://ok.example/ "title" onmouseover="alert(28)")',
    "![x](javascript:alert(29))",
    "<a href='javascript:alert(30)'>x</a>",
    "[x]: javascript:alert(31)\n\n[x]",
    "<!-- --><script>alert(32)</script>",
    "`<script>alert(33)</script>`",
    "| a |\n|---|\n| <script>alert(34)</script> |",
    "&lt;script&gt;alert(35)&lt;/script&gt;",
    "<![CDATA[<script>alert(36)</script>]]>",
    "<style>body{background:url(javascript:alert(37))}</style>",
    "<template><script>alert(38)</script></template>",
    "$x$ <noscript><p title='</noscript><img src=x onerror=alert(39)>'></noscript>",
]
CODE_ELEMENTS = {"script", "iframe", "object", "embed", "style", "annotation-xml", "maction", "foreignobject"}
OWN_STYLE = _STYLE[:20]  # the export's own stylesheet, in its <head>
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcdoc"}


def offences(markup: str, allowed_schemes: tuple[str, ...] = ("http://", "https://")) -> list[str]:
    """What in `markup` could run or load code once a browser parses it."""
    found = []
    for element in html5lib.parse(markup, namespaceHTMLElements=False).iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        own_style = tag == "style" and (element.text or "").strip().startswith(OWN_STYLE)
        if tag in CODE_ELEMENTS and not own_style:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = str(name).rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            unsafe_url = name in URL_ATTRIBUTES and not value.strip().lower().startswith(allowed_schemes)
            # A style attribute is not code in a browser, but url() in it would load one.
            unsafe_style = name == "style" and any(
                word in value.lower() for word in ("url", "expression", "script")
            )
            if unsafe_url or unsafe_style:
                found.append(f"{tag} {name}={value!r}")
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_the_html_export_carries_no_code(text):
    assert offences(standalone_html(text, "<script>alert(0)</script>")) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_a_documents_html_carries_no_code(text):
    pages = [PageResult("<script>alert(0)</script>.pdf", number, text) for number in (1, 2)]
    assert offences(render_document(pages, "html", pages[0].file)) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_copied_mathml_carries_no_code(text):
    try:
        copied = to_mathml(text)
    except Exception:  # noqa: BLE001 - invalid TeX is refused, which carries nothing
        return
    assert offences(copied) == []
    assert offences(to_mathml(text, latex_mode=True) if "$" not in text else copied) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_the_pane_carries_no_code(text):
    document = MarkdownRenderer(default_math_renderer()).render(text)
    assert offences(document.html, ("http://", "https://", "formula:")) == []


def test_text_in_formulas_is_kept_as_text():
    mathml = latex_to_mathml(r"\text{a<b&c} \mathbb{R} \ne 1", display=False)
    parsed = html5lib.parse(mathml, namespaceHTMLElements=False)
    text = "".join(parsed.itertext())
    assert "a<b&c" in text and "ℝ" in text and "≠" in text
    assert offences(mathml) == []


def test_safe_links_and_formula_links_survive():
    body = markdown_to_html_body(r"[site](https://example.org/a?b=1&c=2) and $\href{http://example.org}{x}$")
    links = [
        element.attrib
        for element in html5lib.parse(body, namespaceHTMLElements=False).iter()
        if "href" in element.attrib
    ]
    assert [attrib["href"] for attrib in links] == ["https://example.org/a?b=1&c=2", "http://example.org"]


def test_the_corpus_finds_what_the_old_export_wrote():
    """The checker itself: latex2mathml's own serialisation (the export before) is caught."""
    from latex2mathml.converter import convert

    assert offences(convert(r"\text{<script>alert(1)</script>}")) == ["<script>"]
    assert offences(convert(r"\href{javascript:alert(4)}{x}")) == ["mrow href='javascript:alert(4)'"]
