"""A page's /UserUnit: millimetres and pixels per inch follow it, as printing does; pdfium ignores it."""

from __future__ import annotations

import datetime
import io
import math
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ArrayObject, BooleanObject, FloatObject, NumberObject, TextStringObject

from htq_mark.kit import load_kit
from htq_mark.scanner import scan_document
from htq_mark.scanner._pdf.user_unit import may_set_user_unit, page_user_unit
from tests.scanner._make import mark_fragment, object_stream_pdf, pdf_pages, with_user_unit

from .test_vectors import _picture_page

ON = datetime.date(2026, 11, 23)
PAGE = (300.0, 200.0)


@pytest.fixture(scope="module")
def small_mark_page() -> bytes:
    """A mark 40 units wide (14.1 mm if the units are points) on a 300 x 200 unit page."""
    return pdf_pages([mark_fragment(load_kit(), x=100, y=80, width=40)], size=PAGE)


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize(
    ("value", "expected", "problem"),
    [
        (None, 1.0, None),
        (NumberObject(10), 10.0, None),
        (NumberObject(1), 1.0, None),
        (FloatObject(1.5), 1.5, None),
        (NumberObject(75000), 75000.0, None),
        (NumberObject(75001), 1.0, "outside the range PDF readers honour (1 to 75,000)"),
        (FloatObject(0.5), 1.0, "/UserUnit 0.5 is outside the range"),  # Acrobat honours 1 at least
        (FloatObject(0.00001), 1.0, "outside the range"),
        (NumberObject(0), 1.0, "outside the range"),
        (FloatObject(-3), 1.0, "outside the range"),
        (NumberObject(10 ** 40), 1.0, "outside the range"),
        (NumberObject(10 ** 4000), 1.0, "could not be read"),  # more digits than pypdf reads
        (TextStringObject("ten"), 1.0, "not a number ('ten')"),
        (ArrayObject([NumberObject(2)]), 1.0, "not a number"),
        (BooleanObject(True), 1.0, "not a number"),
    ],
)
def test_page_user_unit_reads_a_usable_value_and_says_what_is_wrong_with_others(small_mark_page, value, expected,
                                                                                 problem):
    pdf = small_mark_page if value is None else with_user_unit(small_mark_page, value)
    unit, found_problem = page_user_unit(_reader(pdf), 0)
    assert unit == expected
    if problem is None:
        assert found_problem is None
    else:
        assert found_problem is not None and problem in found_problem


def test_a_user_unit_too_large_for_a_float_is_refused():
    class Reader:  # pypdf reads at most 64 characters of a number; another reader may read more
        pages = [{"/UserUnit": 10 ** 400}]

    unit, problem = page_user_unit(Reader(), 0)
    assert unit == 1.0 and problem is not None and "inf" in problem


def _pointing_elsewhere(pdf: bytes) -> bytes:
    """``pdf`` with its startxref leading to no cross-reference table (a reader rebuilds what it can)."""
    head, _, offset = pdf.rpartition(b"startxref\n")
    return head + b"startxref\n" + str(int(offset.split(b"\n")[0]) - 7).encode() + b"\n%%EOF\n"


@pytest.mark.parametrize(("make", "expected"), [
    (lambda page: page, False),
    (lambda page: with_user_unit(page, NumberObject(3)), True),
    (lambda page: page.replace(b"%%EOF", b"%%EOF\n% /Type/ObjStm", 1), True),
    (lambda page: page + b"% 9 0 obj <</Type(/ObjStm)>>\n", True),  # a type given as a string
    (lambda page: page + b"% 9 0 obj <</Type%c\n 10 0 R>>\n", True),  # ... or by reference after a comment
    (lambda page: page + b"% 9 0 obj <</Typ#65<2F4F626A53746D>>>\n", True),  # ... under a name spelled with escapes
    # Without an object stream every page dictionary is in the file's bytes, however its
    # cross-references are written or damaged (a reader rebuilding them finds the same objects).
    (_pointing_elsewhere, False),
    (lambda page: page.replace(b"trailer\n<<", b"trailer\n<< /XRefStm 9 ", 1), False),  # a hybrid file
    (lambda page: page[:page.rindex(b"startxref")], False),
    (lambda page: page + b"".join(b"%% /Prev %d\n" % n for n in range(9, 9 + 65)), False),
])
def test_may_set_user_unit_looks_for_the_key_where_a_reader_may_find_it(small_mark_page, make, expected):
    """Only objects in compressed object streams can hide the key from a byte search."""
    assert may_set_user_unit(make(small_mark_page)) is expected


@pytest.mark.parametrize("typed", [b"/Kind/Other", b"<2F54797065><2F4F626A53746D>"])  # no type; one spelled as strings
def test_a_stream_not_typed_as_an_object_stream_hides_no_page(typed: bytes) -> None:
    """The reader takes no object out of a stream whose /Type is not the name /ObjStm, so without that name
    no page dictionary is packed away, and no reader is opened to look."""
    data = object_stream_pdf("/UserUnit 4", b"0 0 1 rg 20 20 120 60 re f").replace(b"/Type/ObjStm", typed)
    assert b"ObjStm" not in data and not may_set_user_unit(data)
    unit, _ = page_user_unit(_reader(data), 0)
    assert unit == 1.0  # the reader agrees: the page is not found in the stream


def test_a_damaged_file_without_object_streams_is_not_opened_only_to_look_for_the_key(monkeypatch) -> None:
    """Its cross-references lead nowhere: the reader would rebuild them just to find no /UserUnit (and say
    it could not read the structure). A page that shows a mark still has its structure read."""
    from htq_mark.scanner import _pdf_scan

    opened: list[str] = []
    real = _pdf_scan.open_structure
    monkeypatch.setattr(_pdf_scan, "open_structure", lambda *args: opened.append("opened") or real(*args))
    plain = pdf_pages(['<rect x="20" y="20" width="120" height="60" fill="#1e6b52"/>'], size=PAGE)
    result = scan_document(_pointing_elsewhere(plain), on=ON, ocr="never")
    assert result.status == "ok" and result.pages[0].user_unit == 1.0 and opened == []
    assert "structure-unreadable" not in {note.code for note in result.notes}


def _widths(result) -> list[float]:
    return [mark.width_mm for mark in result.marks]


def test_a_page_in_larger_units_measures_its_mark_in_them(small_mark_page):
    plain = scan_document(small_mark_page, on=ON, ocr="never")
    large = scan_document(with_user_unit(small_mark_page, NumberObject(10)), on=ON, ocr="never")
    assert len(plain.marks) == len(large.marks) == 1
    assert "too-small" in {f.rule for f in plain.findings}
    assert "too-small" not in {f.rule for f in large.findings}
    assert _widths(large)[0] == pytest.approx(10 * _widths(plain)[0], rel=0.02)
    # Boxes stay in the page's own units, where the PDF draws the mark; the page says what a unit is.
    assert large.marks[0].bbox == pytest.approx(plain.marks[0].bbox, abs=1.0)
    assert (large.pages[0].width, large.pages[0].user_unit) == (PAGE[0], 10.0)
    assert large.pages[0].to_dict()["user_unit"] == 10.0 and "user_unit" not in plain.pages[0].to_dict()
    notes = {note.code: note.message for note in large.notes}
    assert "/UserUnit 10" in notes["user-unit"] and "1/10 of" in notes["user-unit"]
    # Rendered as before (pixels per unit), so 20 dpi on the printed page: what that misses is said.
    assert "rendered at 20 dpi on the printed page instead of 200, as it sets /UserUnit 10" in \
        notes["reduced-resolution"] and "marks under 61 mm wide may be missed" in notes["reduced-resolution"]
    assert not {"user-unit", "reduced-resolution"} & {note.code for note in plain.notes}


@pytest.mark.parametrize("unit", [1.37, 2.0])
def test_the_resolution_note_states_the_printed_resolution(small_mark_page, unit):
    result = scan_document(with_user_unit(small_mark_page, FloatObject(unit)), on=ON, ocr="never")
    notes = [note.message for note in result.notes if note.code == "reduced-resolution"]
    assert len(notes) == 1 and f"rendered at {200 / unit:.3g} dpi on the printed page" in notes[0]


def test_units_smaller_than_a_point_are_not_honoured(small_mark_page):
    """Acrobat honours /UserUnit 1 at least: a thousandth of a point does not make the mark 0.014 mm wide."""
    result = scan_document(with_user_unit(small_mark_page, FloatObject(0.001)), on=ON, ocr="never")
    assert _widths(result)[0] == pytest.approx(14.1, rel=0.02)
    assert result.pages[0].user_unit == 1.0
    notes = {note.code: note.message for note in result.notes}
    assert "/UserUnit 0.001 is outside the range" in notes["user-unit"] and "reduced-resolution" not in notes


@pytest.mark.parametrize(("unit", "noted"), [(1.001, False), (1.01, True), (75000.0, True)])
def test_the_resolution_note_comes_only_with_a_lower_printed_resolution(small_mark_page, unit, noted):
    result = scan_document(with_user_unit(small_mark_page, FloatObject(unit)), on=ON, ocr="never")
    notes = [note.message for note in result.notes if note.code == "reduced-resolution"]
    assert bool(notes) is noted
    if unit == 75000.0:  # numbers a reader takes in: no exponents
        assert "0.00267 dpi" in notes[0] and "marks under 457,200 mm wide" in notes[0]


def test_an_unusable_user_unit_is_ignored_and_said(small_mark_page):
    result = scan_document(with_user_unit(small_mark_page, FloatObject(-2)), on=ON, ocr="never")
    assert "too-small" in {f.rule for f in result.findings}
    notes = [note.message for note in result.notes if note.code == "user-unit"]
    assert len(notes) == 1 and "ignored" in notes[0] and "-2" in notes[0]


@pytest.mark.parametrize(("stream_entries", "looked_through"), [
    ("/Filter/FlateDecode", True),
    ("/Filter[/FlateDecode]", True),
    ("/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>", False),  # bytes not as written: ask the reader
    ("/Filter/ASCIIHexDecode", False),
    ("", True),  # stored as it is
])
def test_a_user_unit_packed_in_an_object_stream_is_read(stream_entries: str, looked_through: bool) -> None:
    """Page dictionaries in compressed object streams do not show /UserUnit in the file's bytes."""
    content = b"0 0 1 rg 20 20 120 60 re f"
    with_unit = object_stream_pdf("/UserUnit 4", content, stream_entries=stream_entries)
    without = object_stream_pdf("", content, stream_entries=stream_entries)
    assert (b"/UserUnit" in with_unit) is (stream_entries == "")
    assert may_set_user_unit(with_unit)
    assert may_set_user_unit(without) is not looked_through
    if stream_entries.endswith("/FlateDecode"):
        assert page_user_unit(_reader(with_unit), 0) == (4.0, None)
        result = scan_document(with_unit, on=ON, ocr="never", name="packed.pdf")
        assert [note.code for note in result.notes] == ["user-unit", "reduced-resolution"]
        assert result.pages[0].width == 300.0


def _listed_as_generation(data: bytes, number: int, generation: int) -> bytes:
    """``object_stream_pdf``'s file with object ``number`` listed in its cross-reference stream as ``generation``."""
    start = data.index(b"stream\n", data.index(b"/Type/XRef")) + len(b"stream\n")
    row = start + 7 * number  # rows of W[1 4 2]
    return data[:row + 5] + generation.to_bytes(2, "big") + data[row + 7:]


def _object_stream_start(data: bytes) -> int:
    return data.index(b"stream\n", data.index(b"/ObjStm")) + len(b"stream\n")


@pytest.mark.parametrize("damage", [
    lambda data: data[:_object_stream_start(data) + 10] + data[_object_stream_start(data) + 10:].replace(
        b"endstream", b"endstrea_", 1),  # the object stream runs on past its length
    lambda data: data[:_object_stream_start(data)] + b"xx" + data[_object_stream_start(data) + 2:],  # not zlib
    lambda data: data + b"% 9 0 obj <</Type/ObjStm/N 1/First 4>>\n",  # an object stream no cross-reference names
    lambda data: data.replace(b"/Type/XRef", b"/Type/XRef/Encrypt 5 0 R", 1),  # encrypted
    lambda data: data.replace(b"startxref\n", b"startxref\n1", 1),  # the cross-references lead elsewhere
    # Where PDF readers may differ on which of two counts, or where what counts is not in the file's bytes:
    lambda data: data.replace(b"/Type/XRef", b"/Size 7/Type/XRef", 1),  # a key given twice
    lambda data: data.replace(b"5 0 obj\n<</Type/ObjStm", b"5 1 obj\n<</Type/ObjStm", 1),  # not the generation listed
    lambda data: _listed_as_generation(data, 5, 1).replace(b"5 0 obj\n<</Type/ObjStm", b"5 1 obj\n<</Type/ObjStm",
                                                           1),  # an object stream of another generation than 0
    lambda data: data + b"% 8 0 obj <</Type 9 0 R>>\n",  # a type given by reference
    lambda data: data.replace(b"/ObjStm/N 3", b"/ObjStm/N 3/Comment(ObjStm)", 1),  # an object stream in disguise
])
def test_object_streams_that_cannot_be_read_strictly_are_left_to_the_reader(damage) -> None:
    data = object_stream_pdf("", b"0 0 1 rg 20 20 120 60 re f")
    assert not may_set_user_unit(data)
    assert may_set_user_unit(damage(data))


def test_a_file_inflating_past_the_limit_is_left_to_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import htq_mark.scanner._pdf.object_streams as object_streams

    data = object_stream_pdf("", b"0 0 1 rg 20 20 120 60 re f")
    assert not may_set_user_unit(data)
    monkeypatch.setattr(object_streams, "_MOST_INFLATED", 16)
    assert may_set_user_unit(data)


@pytest.mark.parametrize("disguise", [
    (b"/Type/ObjStm", b"/Type%c\n/ObjStm"),  # a comment inside the dictionary
    (b"/Type/ObjStm", b"/Type/ObjStm/Q/stream"),  # a name that reads "stream"
    (b"/Type/ObjStm", b"/Zobj 1/Type/ObjStm"),  # a name that reads "obj"
    (b"/ObjStm", b"/Obj#53tm"),  # the type spelled with escapes
])
def test_a_disguised_object_stream_is_left_to_the_reader(disguise) -> None:
    data = object_stream_pdf("/UserUnit 4", b"0 0 1 rg 20 20 120 60 re f")
    assert disguise[0] in data
    assert may_set_user_unit(data.replace(*disguise))


@pytest.mark.parametrize("unit", [1.5, 3.0, 10.0])
def test_a_picture_on_a_page_of_other_units_has_its_pixels_per_inch_scaled(unit):
    """Units of one and a half, three or ten points print the page that much larger, so its picture at
    that fraction of the pixels per inch. The mark in the picture is found whatever the unit."""
    page = _picture_page(load_kit(), mark_in_picture=True)
    ppi = {}
    for value in (1.0, unit):
        result = scan_document(page if value == 1.0 else with_user_unit(page, FloatObject(value)), on=ON,
                               ocr="never")
        assert [mark.source for mark in result.marks] == ["raster"]
        low = [f for f in result.findings if f.rule == "low-resolution"]
        assert len(low) == 1
        ppi[value] = low[0].details["effective_ppi"]
    assert math.isclose(ppi[unit], ppi[1.0] / unit, rel_tol=1e-4)  # as reported, to 4 places


@pytest.mark.parametrize("escaped", [b"/User#55nit", b"/#55ser#55nit"])
def test_a_user_unit_spelled_with_escapes_is_read(small_mark_page, escaped):
    """``/User#55nit`` is /UserUnit to a PDF reader: a byte search must not be fooled into skipping it."""
    data = with_user_unit(small_mark_page, FloatObject(10)).replace(b"/UserUnit", escaped)
    assert b"/UserUnit" not in data and may_set_user_unit(data)
    result = scan_document(data, on=ON, ocr="never")
    assert _widths(result)[0] == pytest.approx(141, rel=0.02)
    assert result.pages[0].user_unit == pytest.approx(10)


CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"


def test_real_files_whose_object_streams_were_looked_through_set_no_user_unit() -> None:
    """Over the shared corpus of real PDFs: every file with object streams that the byte search judges free of
    /UserUnit has no page setting it, as pypdf reads them; and most such files are judged so, not left to it."""
    assert CORPUS.is_dir(), f"the shared corpus is missing: expected it at {CORPUS.resolve()}"
    judged = []
    for path in sorted(CORPUS.rglob("*.pdf")):
        data = path.read_bytes()
        if b"ObjStm" in data and not may_set_user_unit(data):
            judged.append((path.name, data))
    assert len(judged) >= 80
    for name, data in judged:
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            pages = list(reader.pages)
        except Exception:  # noqa: BLE001 - a file pypdf cannot open has no unit to read either
            continue
        assert all(page.get("/UserUnit") is None for page in pages), name
