"""scan_document on documents generated here: marks found, measured and judged; errors as codes."""

import base64
import datetime
import io
import pickle
import signal
import threading
import time

import numpy as np

import pytest

import htq_mark
from htq_mark.errors import UsageError
from htq_mark.register import (
    EXAMPLE_ENTITLED_ID,
    EXAMPLE_WITHDRAWN_ID,
    default_register,
)
from htq_mark.scanner import Limits, scan_document
from htq_mark.scanner._detect import build_references

from ._make import (
    canvas_with,
    encode,
    encrypt,
    frames_file,
    mark_fragment,
    mark_rgb,
    pdf_pages,
    text_fragment,
)

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def refs():
    return build_references(KIT)


@pytest.fixture(scope="module")
def scan(refs):
    register = default_register()

    def run(source, **options):
        options.setdefault("name", "doc")
        return scan_document(source, kit=KIT, register=register, on=ON, references=refs, **options)

    return run


def _rules(result, page=None):
    return sorted({f.rule for f in result.findings if page is None or f.page == page})


def test_compliant_vector_mark_in_a_pdf(scan):
    body = mark_fragment(KIT, x=100, y=120, width=142) + text_fragment(f"HNC (QN {EXAMPLE_ENTITLED_ID})", x=100, y=300)
    result = scan(pdf_pages([body]))
    assert result.status == "ok" and result.type == "pdf"
    [mark] = result.marks
    assert (mark.id, mark.page, mark.source, mark.width_px) == ("m1", 1, "vector", None)
    assert mark.width_mm == pytest.approx(142 * 25.4 / 72, rel=0.03)
    assert mark.bbox == pytest.approx((100, 120, 242, 120 + 142 / KIT.aspect_ratio), abs=2.0)
    assert "too-small" not in _rules(result) and "not-entitled" not in _rules(result)
    assert "no-qualification" not in _rules(result)


def test_small_rotated_mark_and_a_withdrawn_qualification(scan):
    body = (mark_fragment(KIT, x=200, y=300, width=50, rotate=20)
            + text_fragment(f"Higher Technical Qualification QN {EXAMPLE_WITHDRAWN_ID}", x=60, y=600))
    result = scan(pdf_pages(["", body]))
    [mark] = result.marks
    assert mark.page == 2 and mark.rotation_deg == pytest.approx(20, abs=2)
    rules = _rules(result, page=2)
    assert {"too-small", "rotated", "not-entitled", "no-qualification"} <= set(rules)
    [small] = [f for f in result.findings if f.rule == "too-small"]
    assert small.message.endswith(f"the minimum is {KIT.spec.minimum_width_mm:g} mm.")


def test_mark_placed_as_an_image_xobject_has_exact_geometry_and_ppi(scan):
    png = encode(mark_rgb(KIT, width=320), "PNG")  # 320 px over 2.22 in = 144 ppi, below the minimum
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    body = (f'<image x="100" y="200" width="160" height="50" xlink:href="{uri}"/>'
            + text_fragment(f"QN {EXAMPLE_ENTITLED_ID}", x=100, y=400))
    result = scan(pdf_pages([body]))
    [mark] = result.marks
    assert mark.source == "image-xobject"
    assert mark.rotation_deg == 0.0 and mark.aspect_ratio_error == pytest.approx(0.0, abs=1e-9)
    [low] = [f for f in result.findings if f.rule == "low-resolution"]
    assert low.severity == ("error" if 144 < KIT.spec.minimum_ppi else "warning")
    assert "144 ppi" in low.message


@pytest.mark.parametrize("fmt, kind", [("PNG", "png"), ("JPEG", "jpeg"), ("WEBP", "webp"), ("BMP", "bmp")])
def test_mark_in_an_image_is_measured_in_pixels(scan, fmt, kind):
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    result = scan(encode(canvas_with(KIT, width=240), fmt, **options))
    assert result.type == kind and result.pages[0].unit == "px"
    [mark] = result.marks
    assert mark.source == "raster" and mark.width_mm is None
    assert mark.width_px == pytest.approx(240, rel=0.04)
    assert mark.bbox == pytest.approx((150, 200, 390, 200 + 240 / KIT.aspect_ratio), abs=4)
    assert "no-qualification" not in _rules(result)  # images carry no text layer


@pytest.mark.parametrize("fmt, kind", [("TIFF", "tiff"), ("GIF", "gif")])
def test_each_frame_is_a_page(scan, fmt, kind):
    blank = canvas_with(KIT, width=240)
    blank[:] = 255
    result = scan(frames_file([blank, canvas_with(KIT, width=240), blank], fmt))
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert [m.page for m in result.marks] == [2]


def test_blank_documents_have_no_marks(scan):
    assert scan(pdf_pages([text_fragment("Nothing to see", x=50, y=50)])).marks == ()
    blank = canvas_with(KIT)
    blank[:] = 240
    assert scan(encode(blank, "PNG")).marks == ()


@pytest.mark.parametrize("data, code, words", [
    (b"", "unreadable", "empty"),
    (b"hello, not a document", "unsupported", "export it as PDF or PNG"),
    (b"%PDF-1.4 broken", "unreadable", "damaged"),
    (b"\x89PNG\r\n\x1a\n broken", "unreadable", "damaged"),
])
def test_bad_documents_come_back_as_errors(scan, data, code, words):
    result = scan(data, name="bad.bin")
    assert result.status == "error" and result.error.code == code
    assert result.error.message.startswith("bad.bin: ") and words in result.error.message
    assert result.marks == () and result.findings == ()


def test_encrypted_pdf_needs_its_password(scan):
    data = encrypt(pdf_pages([mark_fragment(KIT, x=100, y=100, width=142)]), user_password="pw")
    assert scan(data).error.code == "encrypted"
    assert scan(data, password="wrong").error.code == "encrypted"
    opened = scan(data, password="pw")
    assert opened.status == "ok" and len(opened.marks) == 1


@pytest.mark.parametrize("limits, code", [
    (Limits(max_file_bytes=100), "too-large"),
    (Limits(max_pages=1), "too-large"),
])
def test_limits_give_too_large(scan, limits, code):
    result = scan(pdf_pages(["", ""]), limits=limits)
    assert result.error.code == code and "limit" in result.error.message


def test_image_pixel_limit_gives_too_large(scan):
    result = scan(encode(canvas_with(KIT), "PNG"), limits=Limits(max_pixels_per_page=1000))
    assert result.error.code == "too-large"


def test_path_and_bytes_give_the_same_result(scan, tmp_path):
    data = encode(canvas_with(KIT, width=240), "PNG")
    path = tmp_path / "post.png"
    path.write_bytes(data)
    by_path = scan(str(path), name=None)
    by_bytes = scan(data, name=str(path))
    assert by_path.path == str(path) and by_path.to_dict() == by_bytes.to_dict()
    assert by_path.sha256 == __import__("hashlib").sha256(data).hexdigest()


def test_missing_file_is_unreadable(scan, tmp_path):
    result = scan(str(tmp_path / "gone.pdf"), name=None)
    assert result.error.code == "unreadable" and "gone.pdf" in result.error.message


def test_results_pickle_and_thumbnails_only_where_needed(scan):
    body = mark_fragment(KIT, x=100, y=120, width=60)
    result = scan(pdf_pages(["", body]), thumbnails=True)
    assert pickle.loads(pickle.dumps(result)) == result
    [picture] = result.images
    assert picture.page == 2 and max(picture.width, picture.height) <= 1000
    assert picture.data[:2] == b"\xff\xd8" and picture.scale == pytest.approx(picture.width / 595.28, rel=1e-3)


def test_a_bug_is_not_passed_off_as_a_damaged_file(scan):
    result = scan_document(encode(canvas_with(KIT), "PNG"), kit=KIT, on=ON, references=object(), name="doc")
    assert result.status == "error" and "internal error in htq-mark" in result.error.message


def test_a_parser_failure_is_unreadable(scan, monkeypatch):
    import PIL.Image

    data = encode(canvas_with(KIT), "PNG")

    def broken(*args, **kwargs):
        raise ValueError("bad data in the file")

    from htq_mark.scanner import _images

    monkeypatch.setattr(PIL.Image.Image, "load", broken)
    monkeypatch.setattr(_images, "_decode_plain", lambda *args: None)  # so Pillow's decoder is the one that fails
    result = scan(data)
    assert result.error.code == "unreadable" and "bad data in the file" in result.error.message
    assert "internal" not in result.error.message


def test_a_binary_file_object_gives_the_same_result_as_its_path(scan, tmp_path):
    path = tmp_path / "post.png"
    path.write_bytes(encode(canvas_with(KIT), "PNG"))
    from_path = scan(path, name=None)
    with path.open("rb") as handle:
        from_file = scan(handle, name=None)
    assert from_file.path == str(path) == from_path.path
    assert from_file.marks == from_path.marks and from_file.sha256 == from_path.sha256
    assert scan(io.BytesIO(path.read_bytes()), name=None).path == "<bytes>"


def test_a_text_file_object_is_reported_not_raised(scan, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("text")
    with path.open("r") as handle:
        result = scan(handle)
    assert result.status == "error" and "binary mode" in result.error.message


def test_anything_else_is_a_usage_error(scan):
    with pytest.raises(UsageError, match="a path, bytes or a binary file object"):
        scan(42)


def test_the_time_limit_is_honoured_between_pages(scan):
    pages = pdf_pages([text_fragment(f"page {n}", x=50, y=50) for n in range(40)])
    started = time.perf_counter()
    result = scan(pages, limits=Limits(max_seconds=0.05))
    assert time.perf_counter() - started < 5
    assert result.status == "error" and result.error.code == "timeout"
    assert "0.05 s limit" in result.error.message
    assert scan(pages, limits=Limits(max_seconds=120)).status == "ok"


def _busy_picture(size: int = 2400) -> bytes:
    """One large frame of fine noise: a single step of the detector takes far longer than 0.05 s."""
    rng = np.random.default_rng(7)
    return encode(rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8), "png")


def test_the_time_limit_stops_work_inside_one_frame(scan, monkeypatch):
    from htq_mark.scanner import _image_scan as image_scan

    def stuck_search(*_args, **_kwargs):
        """A detector step that runs on for 10 s unless something stops it."""
        until = time.perf_counter() + 10
        while time.perf_counter() < until:
            time.sleep(0.01)
        return []

    monkeypatch.setattr(image_scan, "find_in_picture", stuck_search)
    started = time.perf_counter()
    result = scan(_busy_picture(300), limits=Limits(max_seconds=0.5))
    assert time.perf_counter() - started < 5
    assert result.status == "error" and result.error.code == "timeout"
    assert "0.5 s limit" in result.error.message
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL and signal.getitimer(signal.ITIMER_REAL)[0] == 0


@pytest.mark.parametrize("when", ["armed", "cancelled"])
def test_an_alarm_ringing_as_it_is_armed_or_cancelled_ends_in_a_timeout(scan, monkeypatch, when):
    """A very short limit could ring before the scan's ``try`` or inside its clean-up: the internal exception
    escaped to the caller, and SIGALRM stayed taken, so no later scan in the process had a time limit."""
    from htq_mark.scanner._alarm import AlarmRang

    real_setitimer = signal.setitimer

    def ringing_setitimer(which, seconds, *interval):
        real_setitimer(which, seconds, *interval)
        if (seconds > 0) == (when == "armed") and not rang:
            rang.append(seconds)
            raise AlarmRang  # as the handler does when the signal arrives just there

    rang: list[float] = []
    monkeypatch.setattr(signal, "setitimer", ringing_setitimer)
    result = scan(_busy_picture(60), limits=Limits(max_seconds=5))
    assert rang and result.status == "error" and result.error.code == "timeout", result
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL and signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_path_holding_a_nul_is_unreadable_not_an_internal_error(scan):
    result = scan("a\0b.pdf")
    assert result.status == "error" and result.error.code == "unreadable" and "NUL" in result.error.message


@pytest.mark.parametrize("variant", ["white", "colour"])
def test_a_mark_on_a_transparent_background_is_found(scan, variant):
    """The tool's own white PNG (transparent around the artwork) was laid over white only: no mark, no word.
    Where nothing shows over white, the picture is searched laid over black; a colour mark is found over white."""
    asset = htq_mark.generate(variant=variant, format="png", width="300px", kit=KIT)
    result = scan(asset.data)
    assert result.status == "ok" and len(result.marks) == 1, result
    assert result.marks[0].variant == variant and not result.findings, result.findings


@pytest.mark.parametrize(("mode", "variant"), [("RGB", "colour"), ("RGB", "white"), ("L", "white")])
def test_a_colour_made_transparent_counts_as_transparency(scan, mode, variant):
    """A PNG optimiser's tRNS chunk (one colour of an RGB or grey picture transparent) was shown opaque: a colour
    mark whose transparent background was stored black was judged on black (low-contrast), not as viewers show it."""
    from PIL import Image

    asset = Image.open(io.BytesIO(htq_mark.generate(variant=variant, format="png", width="300px", kit=KIT).data))
    on_black = Image.alpha_composite(Image.new("RGBA", asset.size, (0, 0, 0, 255)), asset.convert("RGBA"))
    buffer = io.BytesIO()
    on_black.convert(mode).save(buffer, "PNG", transparency=(0, 0, 0) if mode == "RGB" else 0)
    result = scan(buffer.getvalue())
    assert result.status == "ok" and [m.variant for m in result.marks] == [variant], result
    assert not result.findings, result.findings


def test_limits_that_are_not_limits_are_a_usage_error(scan):
    with pytest.raises(UsageError, match="limits takes a Limits"):
        scan(_busy_picture(60), limits={"max_frames": 1})


def test_a_callers_alarm_is_left_alone(scan):
    rang = []

    def handler(*_):
        rang.append(True)

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        scan(_busy_picture(600), limits=Limits(max_seconds=0.001))
        assert signal.getsignal(signal.SIGALRM) is handler and not rang  # the caller owns SIGALRM
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_scan_in_a_thread_never_touches_sigalrm(scan):
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(scan(_busy_picture(600),
                                                                 limits=Limits(max_seconds=0.001))))
    worker.start()
    worker.join()
    assert outcome[0].status in {"ok", "error"} and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert outcome[0].error is None or outcome[0].error.code == "timeout"
