"""Text in pictures: the OCR adapter, and the text rules it feeds on images and on pages without text."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import htq_mark
from htq_mark.errors import UsageError
from htq_mark.register import EXAMPLE_ENTITLED_ID, EXAMPLE_WITHDRAWN_ID
from htq_mark.scanner import scan_document
from htq_mark.scanner import _ocr as ocr_module
from htq_mark.scanner._detect import build_references
from htq_mark.scanner._ocr import OcrLine, OcrText, check_ocr_mode, read_text
from htq_mark.scanner._text import read_text_facts
from benchmarks.ocr_accuracy import drawn_on

from ._make import canvas_with, encode

KIT = htq_mark.load_kit()
ON = "2026-11-23"
DIGIT_HEIGHT = 0.73  # a DejaVu Sans digit's height as a share of the font size


@pytest.fixture(scope="module")
def refs():
    return build_references(KIT)


def _with_text(rgb: np.ndarray, text: str, *, x: float, y: float, digits_px: float, ink: str = "#202020"
               ) -> np.ndarray:
    """``rgb`` with one line of ``text`` drawn on it (DejaVu Sans, digits ``digits_px`` tall)."""
    height, width = rgb.shape[:2]
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
           f'<text x="{x}" y="{y}" font-family="DejaVu Sans" font-size="{digits_px / DIGIT_HEIGHT:.2f}" '
           f'fill="{ink}">{text}</text></svg>').encode()
    return drawn_on(rgb, svg)


def _record_engine_inputs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The shape (height, width) of every picture or tile handed to the OCR engine from now on, in a list."""
    engine, shapes = ocr_module._engine(), []

    def recording(image: np.ndarray) -> object:
        shapes.append(image.shape[:2])
        return engine(image)

    monkeypatch.setattr(ocr_module, "_engine", lambda: recording)
    return shapes


def _blank(size=(900, 600), colour=(250, 250, 246)) -> np.ndarray:
    canvas = np.zeros((size[1], size[0], 3), np.uint8)
    canvas[:] = colour
    return canvas


@pytest.mark.parametrize("digits_px", [10, 14, 22])
@pytest.mark.parametrize("dark", [False, True])
def test_a_qualification_number_in_a_picture_is_read(digits_px: float, dark: bool) -> None:
    background, ink = ((20, 30, 60), "#f0f0f0") if dark else ((250, 250, 246), "#202020")
    picture = _with_text(_blank(colour=background), f"Apply now: HNC in Engineering, QN {EXAMPLE_ENTITLED_ID}",
                         x=40, y=300, digits_px=digits_px, ink=ink)
    read = read_text(picture)
    assert read_text_facts(read.text).qualification_ids == (EXAMPLE_ENTITLED_ID,)
    [line] = [line for line in read.lines if EXAMPLE_ENTITLED_ID in line.text]
    x0, y0, x1, y1 = line.box
    assert x0 < 120 and y0 < 300 < y1 + digits_px and x1 > 300  # where the line is, in the picture's pixels


@pytest.mark.parametrize("text", ["Call 0161 496 0123 today", "Open day 14/03/2027 at 10:30", "Room 12/4, Block C"])
def test_numbers_that_are_not_qualifications_are_not_taken_for_one(text: str) -> None:
    read = read_text(_with_text(_blank(), text, x=40, y=300, digits_px=16))
    assert read.text.strip() and read_text_facts(read.text).qualification_ids == ()


def test_a_long_picture_is_read_in_tiles_of_ordinary_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read whole, a long screenshot was shrunk until its text could not be read, and the engine then
    enlarged it to gigabytes. A line where two tiles overlap is read in both and kept once."""
    picture = _blank(size=(700, 9000))
    for y in (1300, 8500):  # the first where the first two tiles overlap
        picture = _with_text(picture, f"HNC in Engineering, QN {EXAMPLE_ENTITLED_ID}", x=40, y=y, digits_px=16)
    shapes = _record_engine_inputs(monkeypatch)
    read = read_text(picture)
    assert len(shapes) > 1 and all(max(shape) <= 2.4 * min(shape) for shape in shapes), shapes
    assert sum(height * width for height, width in shapes) <= 1.2 * ocr_module.MAX_PIXELS
    found = [line for line in read.lines if EXAMPLE_ENTITLED_ID in line.text]
    assert len(found) == 2 and all(abs(line.box[3] - y) < 20 for line, y in zip(found, (1300, 8500)))  # once each


@pytest.mark.parametrize("size", [(728, 90), (1200, 300), (3900, 500)], ids=["leaderboard", "banner", "wide"])
def test_a_banner_is_read_whole(size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a picture too long to read whole is tiled: tiles of a banner cut its line of text."""
    picture = _with_text(_blank(size=size), f"HNC in Engineering, QN {EXAMPLE_ENTITLED_ID}. Apply now!", x=10,
                         y=size[1] * 0.6, digits_px=min(16, size[1] * 0.3))
    calls = _record_engine_inputs(monkeypatch)
    read = read_text(picture)
    assert len(calls) == 1 and read_text_facts(read.text).qualification_ids == (EXAMPLE_ENTITLED_ID,)


def test_a_very_wide_picture_is_read_in_tiles_each_line_once(monkeypatch: pytest.MonkeyPatch) -> None:
    picture = _blank(size=(4500, 300))
    for x in (300, 1750, 3500):  # the second across where two tiles meet
        picture = _with_text(picture, f"QN {EXAMPLE_ENTITLED_ID} at {x}", x=x, y=150, digits_px=16)
    read = read_text(picture)
    found = sorted(line.box[0] for line in read.lines if EXAMPLE_ENTITLED_ID in line.text)
    assert len(found) == 3 and all(abs(left - x) < 40 for left, x in zip(found, (300, 1750, 3500))), \
        [(line.text, line.box) for line in read.lines]


def _strip(size: tuple[int, int], digits_px: float) -> tuple[np.ndarray, float]:
    """A narrow picture with the QN on one of its lines (a tall one's words stacked), and the QN's baseline."""
    width, height = size
    if width > height:
        return _with_text(_blank(size=size), f"QN {EXAMPLE_ENTITLED_ID} apply now", x=8, y=height * 0.7,
                          digits_px=digits_px), height * 0.7
    picture, baseline = _blank(size=size), 0.0
    for row, y in enumerate(range(40, height - 20, 40)):
        text = EXAMPLE_ENTITLED_ID if row == 12 else ("Study", "HTQ", "Apply", "Level 5")[row % 4]
        picture = _with_text(picture, text, x=6, y=y, digits_px=digits_px)
        baseline = y if row == 12 else baseline
    return picture, baseline


def _record_detector_inputs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shape of every input the engine's text detector is given from now on, in a list."""
    detector = ocr_module._stages(ocr_module._engine())[0]
    pooled, inputs = detector.session, []

    class Recording:
        def run(self, output_names: object, input_feed: dict[str, np.ndarray], run_options: object = None) -> object:
            inputs.extend(value.shape for value in input_feed.values())
            return pooled.run(output_names, input_feed, run_options)

        def __getattr__(self, name: str) -> object:
            return getattr(pooled, name)

    monkeypatch.setattr(detector, "session", Recording())
    return inputs


@pytest.mark.parametrize(("size", "digits_px", "narrow"),
                         [((120, 1390), 10, True), ((1390, 60), 14, True), ((1200, 200), 16, True),
                          ((1400, 480), 16, False)], ids=["tall-strip", "thin-banner", "banner", "wide-picture"])
def test_a_narrow_picture_is_enlarged_less_for_the_text_detector(size: tuple[int, int], digits_px: float,
                                                                  narrow: bool, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    """The engine's detector enlarged every picture until its short side was 736 px: a 120 x 1,390 px
    strip was searched at 736 x 8,512 px (now 384 x 4,448). Pictures less narrow are searched as before."""
    picture, baseline = _strip(size, digits_px)
    inputs = _record_detector_inputs(monkeypatch)
    read = read_text(picture)
    [(_, _, searched_height, searched_width)] = inputs
    side = ocr_module.NARROW_DETECTOR_SIDE_PX if narrow else ocr_module.DETECTOR_SIDE_PX
    assert min(searched_height, searched_width) == side, inputs
    assert read_text_facts(read.text).qualification_ids == (EXAMPLE_ENTITLED_ID,), read.text
    [line] = [line for line in read.lines if EXAMPLE_ENTITLED_ID in line.text]
    assert 0 <= line.box[0] < line.box[2] <= size[0] + 1 and 0 <= line.box[1] < line.box[3] <= size[1] + 1
    assert line.box[1] < baseline < line.box[3] + digits_px  # where the line is, in the picture's pixels


@pytest.mark.parametrize("size", [(40, 3000), (60, 1000)])
def test_a_thin_picture_is_enlarged_at_most_four_times_for_the_text_detector(
        size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Enlarged until its short side was 736 px, a 40 x 3,000 px strip was searched at 736 x 45,632 px.
    (A wide one the engine pads to a less extreme shape itself.) Each reading, if tiled."""
    picture = _blank(size=size)
    picture[size[1] // 3: size[1] // 3 * 2, 1: size[0] - 1] = (30, 30, 30)  # something to look at
    inputs = _record_detector_inputs(monkeypatch)
    read_text(picture)
    as_read = min(size) * min(ocr_module.MAX_ENLARGE, max(1.0, ocr_module.ENLARGE_BELOW_PX / max(size)))
    assert inputs and all(min(searched[2:]) <= ocr_module.MAX_DETECTOR_ENLARGE * as_read + 16  # 32s
                          for searched in inputs), inputs


@pytest.mark.parametrize("size", [(4000, 32), (3000, 24), (32, 4000), (20, 3000), (12, 2500), (8, 4000)],
                         ids=["ribbon", "short-ribbon", "strip", "thin-strip", "thinner-strip", "thinnest-strip"])
def test_a_picture_the_engine_would_shrink_to_nothing_is_read_in_tiles(size: tuple[int, int],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine shrinks a picture longer than 2,000 px to that length and rounds its sides to 32 px:
    a 32 x 4,000 px ribbon came to 0 px across and the engine refused it (an ``ocr-failed`` note).
    Read in tiles, a wide ribbon's number is read."""
    width, height = size
    picture = _blank(size=size)
    if width > height:
        picture = _with_text(picture, f"Study the HNC, QN {EXAMPLE_ENTITLED_ID}", x=width - 700, y=height * 0.75,
                             digits_px=height * 0.4)
    inputs = _record_detector_inputs(monkeypatch)
    tiles = _record_engine_inputs(monkeypatch)
    read = read_text(picture)
    assert len(inputs) > 1, inputs
    length = ocr_module.WIDE_THIN_TILE_PX if width > height else ocr_module.NARROW_DETECTOR_SIDE_PX
    assert len(tiles) == len(inputs) and all(max(tile) == length for tile in tiles), tiles
    if width > height:
        assert read_text_facts(read.text).qualification_ids == (EXAMPLE_ENTITLED_ID,), read.text


@pytest.mark.parametrize("size", [(3000, 40), (2100, 26), (4000, 34)])
def test_a_thin_picture_the_engine_reads_is_read_whole(size: tuple[int, int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrunk by the engine to 17-47 px across (rounded to 32) such a ribbon reads: tiles would cut a
    long line of it in each."""
    tiles = _record_engine_inputs(monkeypatch)
    read_text(_blank(size=size))
    assert tiles == [(size[1], size[0])]


def test_the_engines_longest_side_is_the_one_thin_pictures_are_judged_by() -> None:
    assert ocr_module._engine().max_side_len == ocr_module.ENGINE_MAX_SIDE_PX


@pytest.mark.parametrize("size", [(60, 9000), (9000, 60)])
def test_a_long_thin_picture_is_read_in_few_tiles(size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiles twice as long as the picture was wide: a 60 x 9,000 px picture made 89 readings."""
    inputs = _record_detector_inputs(monkeypatch)
    read_text(_blank(size=size))
    assert 1 < len(inputs) <= 2 * max(size) / ocr_module.NARROW_DETECTOR_SIDE_PX + 3, len(inputs)


@pytest.mark.parametrize("size", [(3, 6000), (6000, 3), (1, 1), (7, 4000), (3, 300)])
def test_a_picture_too_thin_for_a_line_of_text_is_not_read(size: tuple[int, int],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A 3 x 6,000 px picture was read in 1,200 tiles, each enlarged by the engine until it was 30 px
    across, for minutes. (A 3 x 300 px picture is enlarged twice, still under 8 px.)"""
    inputs = _record_detector_inputs(monkeypatch)
    assert read_text(_blank(size=size)).lines == () and inputs == []


def test_a_detector_sized_another_way_is_left_as_it_is() -> None:
    class Detector:
        limit_type = "max"

        def get_preprocess(self, longest_side: int) -> None:
            raise AssertionError("not to be asked")

    detector = Detector()
    ocr_module._resize_narrow_pictures_less(detector)
    assert "get_preprocess" not in vars(detector)


def test_the_detector_side_is_the_engines() -> None:
    detector = ocr_module._engine().text_det
    assert (detector.limit_type, detector.limit_side_len) == ("min", ocr_module.DETECTOR_SIDE_PX)


def test_each_of_the_engines_models_runs_on_a_pooled_session() -> None:
    """The engine's own sessions take each buffer from the system: a process's first page took about
    twice as long."""
    engine = ocr_module._engine()
    for stage in ocr_module._stages(engine):
        assert isinstance(stage.session, ocr_module._PooledSession)
        options = stage.session.get_session_options()
        assert options.enable_cpu_mem_arena and options.enable_mem_pattern
        assert options.intra_op_num_threads == options.inter_op_num_threads == 1


def test_the_pool_is_given_back_after_every_run() -> None:
    pooled = ocr_module._stages(ocr_module._engine())[0].session
    given: list[object] = []

    class Recording:
        def run(self, output_names: object, input_feed: object, run_options: object = None) -> None:
            given.append(run_options)

    recording = ocr_module._PooledSession.__new__(ocr_module._PooledSession)
    recording.__dict__.update(pooled.__dict__, _session=Recording())
    recording.run(None, {"x": np.zeros(10, np.float32)})
    assert given == [pooled._give_back]
    assert pooled._give_back.get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    assert not hasattr(ocr_module._PooledSession.__new__(ocr_module._PooledSession), "run_with_iobinding")


def test_a_model_that_cannot_be_pooled_keeps_the_engines_own_session(monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime

    def refuse(model: str) -> None:
        raise RuntimeError(f"no pool for {model}")

    monkeypatch.setattr(ocr_module, "_PooledSession", refuse)
    engine = ocr_module._engine.__wrapped__()
    stages = ocr_module._stages(engine)
    assert all(type(stage.session) is onnxruntime.InferenceSession for stage in stages)
    picture = _with_text(_blank(), f"QN {EXAMPLE_ENTITLED_ID}", x=40, y=300, digits_px=14)
    found, _ = engine(np.ascontiguousarray(picture[..., ::-1]))
    assert EXAMPLE_ENTITLED_ID in " ".join(text for _, text, _ in found)


class _FailingRun:
    """A session whose every run fails, counting them; it tells what its inputs are as ``session`` does."""

    def __init__(self, session: object = None) -> None:
        self.session, self.runs = session, 0

    def run(self, output_names: object, input_feed: object, run_options: object = None) -> None:
        self.runs += 1
        raise RuntimeError("the pool could not be given back")

    def __getattr__(self, name: str) -> object:
        return getattr(self.session, name)


def test_a_pooled_session_that_fails_to_run_gives_way_to_the_engines_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pooled session that cannot run (an ONNX Runtime refusing its settings, say) must not cost the text:
    the engine's own session reads, and goes on reading, rather than every picture being ``ocr-failed``."""
    engine = ocr_module._engine.__wrapped__()
    failing = []
    for stage in ocr_module._stages(engine):
        assert isinstance(stage.session, ocr_module._PooledSession)
        failing.append(_FailingRun(stage.session._session))
        monkeypatch.setattr(stage.session, "_session", failing[-1])
    monkeypatch.setattr(ocr_module, "_engine", lambda: engine)
    picture = _with_text(_blank(), f"QN {EXAMPLE_ENTITLED_ID}", x=40, y=300, digits_px=14)
    for _ in range(2):
        assert EXAMPLE_ENTITLED_ID in read_text(picture).text
    # Each (detector, classifier, recogniser) failed once, then gave way for good.
    assert [attempts.runs for attempts in failing] == [1, 1, 1]


def test_a_run_the_engines_own_session_fails_too_fails_with_its_error() -> None:
    pooled = ocr_module._stages(ocr_module._engine())[0].session
    broken = ocr_module._PooledSession.__new__(ocr_module._PooledSession)
    own = _FailingRun()
    broken.__dict__.update(pooled.__dict__, _session=_FailingRun(), _own=own)
    with pytest.raises(RuntimeError, match="could not be given back"):
        broken.run(None, {"x": np.zeros(10, np.float32)})
    assert own.runs == 1
    assert broken._session is not own  # the input failed, not the pool: the pool is kept


def test_the_pooled_sessions_read_exactly_what_the_engines_own_sessions_read() -> None:
    from rapidocr_onnxruntime import RapidOCR

    picture = _with_text(_blank(colour=(20, 30, 60)), f"Level 5 HTQ in Digital Skills ({EXAMPLE_ENTITLED_ID})",
                         x=40, y=300, digits_px=12, ink="#f0f0f0")
    own = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)
    bgr = np.ascontiguousarray(picture[..., ::-1])
    pooled_lines, own_lines = ocr_module._engine()(bgr)[0], own(bgr)[0]
    assert pooled_lines and EXAMPLE_ENTITLED_ID in " ".join(text for _, text, _ in pooled_lines)
    assert pooled_lines == own_lines


def test_nothing_is_read_in_a_picture_without_text() -> None:
    assert read_text(_blank()).lines == ()


def test_words_run_together_by_the_engine_are_parted() -> None:
    assert ocr_module._JOINED.sub(" ", "Ofqual603/1234/5-applyby30June") == "Ofqual 603/1234/5-applyby 30 June"
    assert ocr_module._JOINED.sub(" ", "QN:610/1234/X") == "QN:610/1234/X"
    assert ocr_module._JOINED.sub(" ", "Study the 999/4019/Xwith us") == "Study the 999/4019/X with us"


def test_a_stretch_of_read_text_is_located_by_its_lines() -> None:
    read = OcrText((OcrLine("first line", (10, 10, 100, 20), 0.9), OcrLine("QN 603/1234/5", (10, 40, 160, 52), 0.9)))
    start = read.text.index("603")
    assert read.box(start, start + 10) == (10, 40, 160, 52)
    assert read.box(0, len(read.text)) == (10, 10, 160, 52)
    assert read.box(start, start + 10, scale=0.5) == (5, 20, 80, 26)
    assert read.box(500, 510) is None


def _mark_and_text(qn: str, digits_px: float = 14) -> np.ndarray:
    return _with_text(canvas_with(KIT, size=(900, 600), width=300, at=(150, 120)),
                      f"Higher Technical Qualification, QN {qn}", x=150, y=420, digits_px=digits_px)


def test_an_image_with_the_mark_naming_a_withdrawn_qualification_is_not_entitled(refs) -> None:
    data = encode(_mark_and_text(EXAMPLE_WITHDRAWN_ID), "PNG")
    rules = {f.rule for f in scan_document(data, on=ON, references=refs, ocr="auto").findings}
    assert "not-entitled" in rules
    assert scan_document(data, on=ON, references=refs, ocr="never").findings == ()


def test_an_image_with_the_mark_naming_an_entitled_qualification_passes(refs) -> None:
    result = scan_document(encode(_mark_and_text(EXAMPLE_ENTITLED_ID), "JPEG", quality=85), on=ON,
                           references=refs, ocr="auto")
    assert len(result.marks) == 1 and result.findings == ()


def test_a_picture_without_the_mark_is_read_only_when_asked(refs) -> None:
    data = encode(_with_text(_blank(), f"Our HTQ: QN {EXAMPLE_WITHDRAWN_ID}", x=40, y=300, digits_px=16), "PNG")
    assert scan_document(data, on=ON, references=refs, ocr="auto").findings == ()
    assert {f.rule for f in scan_document(data, on=ON, references=refs, ocr="always").findings} == {"not-entitled"}


def test_a_scanned_pdf_page_with_the_mark_is_read_instead_of_its_missing_text_layer(refs) -> None:
    page = Image.fromarray(_mark_and_text(EXAMPLE_ENTITLED_ID, digits_px=18))
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150.0)  # a scan: pixels only, no text layer
    text_rules = {"no-qualification", "not-entitled"}
    never = scan_document(buffer.getvalue(), on=ON, references=refs, ocr="never")
    assert len(never.marks) == 1 and {f.rule for f in never.findings} & text_rules == {"no-qualification"}
    auto = scan_document(buffer.getvalue(), on=ON, references=refs, ocr="auto")
    assert len(auto.marks) == 1 and {f.rule for f in auto.findings} & text_rules == set()


def test_unknown_modes_and_a_missing_engine_are_usage_errors(monkeypatch) -> None:
    with pytest.raises(UsageError, match="ocr must be one of always, auto, never"):
        check_ocr_mode("sometimes")
    monkeypatch.setattr(ocr_module, "ocr_available", lambda: False)
    with pytest.raises(UsageError, match=r"htq-mark\[ocr\]"):
        check_ocr_mode("always")
    check_ocr_mode("auto")


def test_without_the_engine_auto_says_the_text_was_not_read(monkeypatch, refs) -> None:
    monkeypatch.setattr(ocr_module, "ocr_available", lambda: False)
    result = scan_document(encode(_mark_and_text(EXAMPLE_WITHDRAWN_ID), "PNG"), on=ON, references=refs)
    assert result.findings == () and [note.code for note in result.notes] == ["ocr-unavailable"]
    assert "OCR engine is not installed" in result.notes[0].message


def test_a_picture_the_engine_refuses_loses_only_its_text(refs, monkeypatch) -> None:
    class Refusing:
        def __call__(self, image: np.ndarray) -> object:
            raise RuntimeError("cannot resize this picture")

    monkeypatch.setattr(ocr_module, "_engine", Refusing)
    result = scan_document(encode(_blank(size=(600, 300)), "PNG"), on=ON, references=refs, ocr="always")
    assert result.status == "ok" and result.findings == ()
    assert any(note.code == "ocr-failed" and "could not be read" in note.message and "cannot resize" in note.message
               for note in result.notes)
