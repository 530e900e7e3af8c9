from pathlib import Path

import pytest

from htq_mark.errors import (
    EncryptedDocumentError,
    LimitExceededError,
    UnreadableFileError,
)
from htq_mark.scanner._limits import Limits
from htq_mark.scanner._pdf.document import open_pdf, open_structure

from .._make import encrypt, pdf_pages

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
PASSWORD_SAMPLE = "pypdf-samples/005-libreoffice-writer-password_libreoffice-writer-password.pdf"


def _open(data: bytes, name: str, password: str | None, limits: Limits) -> None:
    with open_pdf(data, name, password, limits):
        pass


def corpus_file(relative: str) -> bytes:
    path = CORPUS / relative
    assert path.is_file(), f"the shared corpus is missing: expected {path} (../shared/corpus beside the repo)"
    return path.read_bytes()


def test_empty_user_password_opens_like_any_other():
    data = encrypt(pdf_pages(["<rect width='10' height='10'/>"]), user_password="")
    with open_pdf(data, "open.pdf", None, Limits()) as document:
        assert len(document) == 1
    assert open_structure(data, "open.pdf", None).pages[0] is not None


@pytest.mark.parametrize("password", [None, "secret"])
def test_a_pdf_that_needs_no_password_opens_whatever_password_the_batch_gives(password: str | None) -> None:
    """A password given for some files of a batch made those with an empty user password unreadable."""
    data = encrypt(pdf_pages(["<rect width='10' height='10'/>"]), user_password="", owner_password="owner")
    with open_pdf(data, "open.pdf", password, Limits()) as document:
        assert len(document) == 1
    assert open_structure(data, "open.pdf", password).pages[0] is not None


def test_encrypted_without_password_asks_for_one():
    data = encrypt(pdf_pages([""]), user_password="secret")
    with pytest.raises(EncryptedDocumentError, match=r"needs a password; pass it with password=\.\.\."):
        _open(data, "locked.pdf", None, Limits())


def test_wrong_password_is_encrypted_error():
    data = encrypt(pdf_pages([""]), user_password="secret")
    with pytest.raises(EncryptedDocumentError, match="locked.pdf: the password given does not open"):
        _open(data, "locked.pdf", "wrong", Limits())


def test_right_password_opens_both_readers():
    data = encrypt(pdf_pages([""]), user_password="secret")
    with open_pdf(data, "locked.pdf", "secret", Limits()) as document:
        assert len(document) == 1
    assert len(open_structure(data, "locked.pdf", "secret").pages) == 1


def test_corpus_password_sample():
    data = corpus_file(PASSWORD_SAMPLE)
    with pytest.raises(EncryptedDocumentError):
        _open(data, "005.pdf", None, Limits())
    with open_pdf(data, "005.pdf", "openpassword", Limits()) as document:
        assert len(document) >= 1


def test_page_limit_is_checked_before_rendering():
    data = pdf_pages(["", "", ""])
    with pytest.raises(LimitExceededError, match="3 pages; the limit is 2"):
        _open(data, "long.pdf", None, Limits(max_pages=2))
    with open_pdf(data, "long.pdf", None, Limits(max_pages=3)) as document:
        assert len(document) == 3


@pytest.mark.parametrize("data", [b"%PDF-1.4\ngarbage", pdf_pages([""])[:200]])
def test_damaged_pdf_is_unreadable_naming_the_file(data):
    with pytest.raises(UnreadableFileError, match="^bad.pdf: "):
        _open(data, "bad.pdf", None, Limits())


def test_a_damaged_pdf_opened_after_an_encrypted_one_is_still_unreadable():
    # pdfium fails on this file without setting its last error, which still says "password"
    # from the encrypted document before it.
    with pytest.raises(EncryptedDocumentError):
        _open(encrypt(pdf_pages([""]), user_password="secret"), "locked.pdf", None, Limits())
    with pytest.raises(UnreadableFileError, match="^damaged.pdf: "):
        _open(corpus_file("pdfjs/issue19484_1.pdf"), "damaged.pdf", None, Limits())


@pytest.mark.parametrize(("box", "expected"), [
    (b"[ 595.28 841.89 0 0 ]", (0.0, 0.0, 595.28, 841.89)),   # corners the other way round, as viewers take it
    (b"[ 0 841.89 595.28 0 ]", (0.0, 0.0, 595.28, 841.89)),
    (b"[ 0 0 0 0 ]", None),                                  # empty: pdfium draws a page of its own size
], ids=["reversed", "top-bottom", "empty"])
def test_a_page_box_written_any_way_is_the_box_a_viewer_shows(box: bytes, expected: tuple[float, ...] | None) -> None:
    """A reversed box was used as it stood, so no picture was placed on the page (low-resolution was lost)."""
    import re

    import pypdfium2

    from htq_mark.scanner._pdf.document import page_box

    data = pdf_pages(["<rect width='10' height='10'/>"])
    # The writer's /MediaBox, rewritten in place with the same length (the cross-reference table stays right).
    old = re.search(rb"/MediaBox \[[^]]*\]", data)
    assert old is not None
    written = b"/MediaBox " + box
    data = data.replace(old.group(), written.ljust(len(old.group())))
    page = pypdfium2.PdfDocument(data)[0]
    found = page_box(page)
    x0, y0, x1, y1 = found.crop
    assert x1 > x0 and y1 > y0
    if expected is not None:
        assert found.crop == pytest.approx(expected, abs=0.01)
    else:
        assert (x1 - x0, y1 - y0) == pytest.approx((found.width, found.height))


@pytest.mark.parametrize(("media", "crop", "expected"), [
    ((100, 100, 700, 900), (0, 0, 0, 0), (100, 100, 700, 900)),      # an empty crop box: the media box
    ((0, 0, 300, 400), (0, 0, 600, 800), (0, 0, 300, 400)),          # a crop box larger than the media box
    ((0, 0, 600, 800), (300, 400, 900, 1200), (300, 400, 600, 800)),  # one partly outside it
], ids=["empty-crop-off-origin", "crop-beyond-media", "crop-partly-outside"])
def test_the_page_box_is_the_crop_box_within_the_media_box(media: tuple[int, ...], crop: tuple[int, ...],
                                                           expected: tuple[int, ...]) -> None:
    """Text drawn in plain view was blanked as if outside the page, where the box was taken as written."""
    import io

    import pypdf
    import pypdfium2

    from htq_mark.scanner._pdf.document import page_box

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_pages(["<rect width='10' height='10'/>"]))))
    writer.pages[0].mediabox = pypdf.generic.RectangleObject(media)
    writer.pages[0].cropbox = pypdf.generic.RectangleObject(crop)
    out = io.BytesIO()
    writer.write(out)
    page = pypdfium2.PdfDocument(out.getvalue())[0]
    assert page_box(page).crop == pytest.approx(expected)
