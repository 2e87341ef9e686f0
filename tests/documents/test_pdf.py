"""Opening and rendering documents: the scale choice, lazy pages, encrypted, broken, TIFF."""

from __future__ import annotations

import gc

import psutil
import pytest
from PIL import Image

from desktop_ocr._dev.pdfs import encrypted_pdf, make_blank_pdf, make_pdf, make_tiff, text_page
from desktop_ocr.documents import (
    DocumentError,
    PasswordError,
    budget_size,
    document_kind,
    dpi_size,
    open_document,
    within_one_tile,
)
from desktop_ocr.engine import PixelBudget, prepare_image
from desktop_ocr.engine.errors import Hint
from desktop_ocr.engine.images import resized_size

BUDGETS = [PixelBudget(), PixelBudget(256 * 784, 4096 * 784), PixelBudget(4 * 784, 64 * 784)]
PAGES = [(595, 842), (612, 792), (842, 595), (300, 3000), (100, 100), (2000, 90)]


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("page", PAGES)
def test_budget_size_is_a_fixed_point_of_smart_resize(page, budget):
    size = budget_size(page, budget)
    assert resized_size(size, budget) == size
    assert size[0] % 28 == 0 and size[1] % 28 == 0
    assert budget.min_pixels <= size[0] * size[1] <= budget.max_pixels
    # It uses the budget: one more tile row would not fit.
    assert (size[0] + 28) * (size[1] + 28) > budget.max_pixels
    # Aspect kept within the 28-px rounding.
    assert abs((size[0] / size[1]) / (page[0] / page[1]) - 1) < 2 * 28 / min(size)


def test_a4_at_the_default_budget():
    assert budget_size((595, 842), PixelBudget()) == (840, 1176)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    return make_pdf(folder / "three.pdf", [text_page(f"page {n}", seed=n) for n in (1, 2, 3)])


@pytest.mark.parametrize("budget", BUDGETS[:2])
def test_rendered_pages_pass_the_engine_unresized(pdf, budget):
    with open_document(pdf) as document:
        assert document.page_count == 3
        for page in document.pages(budget=budget):
            prepared = prepare_image(page.image, budget)
            assert page.image.size == budget_size((595, 842), budget)
            assert prepared.resized_size == page.image.size
            assert prepared.image.tobytes() == page.image.tobytes()


def test_dpi_overrides_the_budget_and_the_engine_then_fits_it(pdf):
    with open_document(pdf) as document:
        image = document.render(1, PixelBudget(), dpi=144)
    assert image.size == dpi_size((595, 842), 144) == (1190, 1684)
    assert prepare_image(image, PixelBudget()).resized_size == (840, 1176)
    # A page rendered at a size near the budget is changed by less than one tile.
    assert within_one_tile((838, 1180), PixelBudget())


def test_a_dpi_too_large_for_the_page_is_one_line(tmp_path):
    path = make_blank_pdf(tmp_path / "poster.pdf", 1, page_size=(2384, 3370))  # A0
    with open_document(path) as document, pytest.raises(DocumentError, match="at 1200 dpi") as refused:
        document.render(1, PixelBudget(), dpi=1200)
    # What to do is a hint each front end words (the CLI: its --dpi flag).
    assert refused.value.hint is Hint.LOWER_DPI and "--" not in str(refused.value)


def test_pages_are_rendered_lazily_in_the_order_asked(pdf):
    with open_document(pdf) as document:
        rendered = []
        original = document.render

        def spy(number, budget, dpi=None):
            rendered.append(number)
            return original(number, budget, dpi)

        document.render = spy  # type: ignore[method-assign]
        pages = document.pages([3, 1])
        assert rendered == []
        first = next(pages)
        assert (first.number, rendered) == (3, [3])
        assert [page.number for page in pages] == [1]
        assert rendered == [3, 1]


def test_pages_differ_and_hold_what_was_drawn(pdf):
    with open_document(pdf) as document:
        images = [page.image for page in document.pages()]
    assert images[0].tobytes() != images[1].tobytes()
    assert all(image.mode == "RGB" for image in images)
    # White margin, dark text at the top-left of the drawn picture.
    assert images[0].getpixel((5, 5)) == (255, 255, 255)
    assert min(images[0].crop((0, 0, 840, 300)).convert("L").tobytes()) < 100


def test_encrypted_pdf_needs_its_password(tmp_path):
    path = encrypted_pdf(tmp_path / "locked.pdf", "s3cret")
    assert document_kind(path) == "pdf"
    with pytest.raises(PasswordError) as missing:
        open_document(path)
    assert not missing.value.password_given and "encrypted" in str(missing.value)
    assert missing.value.hint is Hint.GIVE_PASSWORD and "--" not in str(missing.value)
    with pytest.raises(PasswordError, match="wrong password"):
        open_document(path, "nope")
    with open_document(path, "s3cret") as document:
        image = document.render(1, PixelBudget())
    # The red square (100..300, 400..600 pt from the bottom-left) is there.
    x, y = image.width * 200 // 595, image.height - image.height * 500 // 842
    assert image.getpixel((x, y)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"%PDF-1.7\nthis is not really a pdf\n", "not a readable PDF"),
        (b"", "not a readable PDF"),
    ],
)
def test_broken_pdf_is_one_line(tmp_path, content, fragment):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as error:
        open_document(path)
    assert fragment in str(error.value) and "\n" not in str(error.value)
    assert str(path) in str(error.value)


def test_truncated_pdf_is_one_line(tmp_path, pdf):
    path = tmp_path / "cut.pdf"
    path.write_bytes(pdf.read_bytes()[:400])
    with pytest.raises(DocumentError, match="not a readable PDF"):
        open_document(path)


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        open_document(tmp_path / "gone.pdf")


def test_multi_page_tiff_is_a_document(tmp_path):
    pictures = [text_page(f"frame {n}", (400, 200), seed=n) for n in range(3)]
    path = make_tiff(tmp_path / "scan.tiff", pictures)
    single = tmp_path / "one.tiff"
    pictures[0].save(single)
    assert document_kind(path) == "tiff"
    assert document_kind(single) is None  # a one-page TIFF stays an image
    with open_document(path) as document:
        assert document.page_count == 3
        pages = list(document.pages([2, 3]))
    assert [page.number for page in pages] == [2, 3]
    assert pages[0].image.tobytes() == pictures[1].tobytes()
    assert pages[1].image.tobytes() == pictures[2].tobytes()


def test_memory_stays_flat_over_300_pages(tmp_path):
    path = make_blank_pdf(tmp_path / "long.pdf", 300)
    process = psutil.Process()
    with open_document(path) as document:
        assert document.page_count == 300
        sizes = set()
        for page in document.pages(budget=PixelBudget()):
            sizes.add(page.image.size)
            if page.number == 30:
                gc.collect()
                after_30 = process.memory_info().rss
        gc.collect()
        after_300 = process.memory_info().rss
    # 270 more pages of 840×1176 RGB (3 MB each, 800 MB if kept) add under 40 MB.
    assert after_300 - after_30 < 40 * 2**20
    assert sizes == {(840, 1176)}


def test_image_page_sizes_are_exact(tmp_path):
    picture = Image.new("RGB", (100, 50), "white")
    path = make_pdf(tmp_path / "wide.pdf", [picture], page_size=(842, 595))
    with open_document(path) as document:
        assert document.render(1, PixelBudget()).size == budget_size((842, 595), PixelBudget())
