"""Who is to blame: a damaged file is the file's fault; anything else that fails is htq-mark's own bug."""

import datetime

import numpy as np
import pytest

import htq_mark
import htq_mark.scanner._detect as detect
from htq_mark.register import default_register
from htq_mark.scanner import scan_document
from htq_mark.scanner._detect import build_references

from ._make import canvas_with, encode, mark_fragment, pdf_pages

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def refs():
    return build_references(KIT)


def _scan(data, refs):
    return scan_document(data, kit=KIT, register=default_register(), on=ON, references=refs, name="doc")


def _damaged() -> dict[str, bytes]:
    png = encode(canvas_with(KIT, width=240), "PNG")
    pdf = pdf_pages([mark_fragment(KIT, x=100, y=100, width=142)])
    return {
        "png-cut-in-half": png[: len(png) // 2],
        "png-header-then-junk": png[:33] + bytes(range(256)) * 4,
        "pdf-header-then-junk": b"%PDF-1.7\n" + bytes(range(256)) * 8,
        "pdf-cut-at-a-tenth": pdf[: len(pdf) // 10],
    }


@pytest.mark.parametrize("case", sorted(_damaged()))
def test_a_damaged_file_is_unreadable_not_an_internal_error(case: str, refs) -> None:
    result = _scan(_damaged()[case], refs)
    assert result.status == "error" and result.error.code == "unreadable", result.error
    assert "internal" not in result.error.message and "export it again" in result.error.message


def _numpy_fails(*args, **kwargs):
    """An htq-mark bug whose innermost frame is inside NumPy: a reshape to the wrong size."""
    return np.reshape(np.zeros(3), (2, 2))


@pytest.mark.parametrize("kind", ["png", "pdf"])
def test_a_bug_failing_inside_numpy_is_an_internal_error_not_a_damaged_file(kind: str, refs, monkeypatch) -> None:
    monkeypatch.setattr(detect, "find_marks", _numpy_fails)
    data = encode(canvas_with(KIT, width=240), "PNG") if kind == "png" else pdf_pages(
        [mark_fragment(KIT, x=100, y=100, width=142)])
    result = _scan(data, refs)
    assert result.status == "error" and result.error.code == "internal-error"
    assert result.error.message.startswith("doc: ") and "ValueError" in result.error.message
    assert "internal error in htq-mark" in result.error.message and "please report it" in result.error.message
    assert "export it again" not in result.error.message


def test_the_same_files_scan_cleanly_without_the_bug(refs) -> None:
    assert _scan(encode(canvas_with(KIT, width=240), "PNG"), refs).status == "ok"
