"""Text in pictures: a thin adapter on RapidOCR (PP-OCR models on ONNX Runtime).

The engine and its models come with the ``rapidocr-onnxruntime`` package (the
``ocr`` extra): nothing is downloaded when it runs. One engine is made per
process, on first use. Small text is read better larger, so images whose
short side is small are enlarged first.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import UsageError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["OCR_MODES", "OcrLine", "OcrMode", "OcrText", "check_ocr_mode", "ocr_available", "read_text"]

OcrMode = Literal["always", "auto", "never"]
#: always: every image and every PDF page; auto: images and pages without a text layer that show
#: the mark; never: no OCR.
OCR_MODES: tuple[OcrMode, ...] = ("always", "auto", "never")

MIN_SCORE = 0.5          # lines the engine is less sure of are dropped
MIN_TEXT_SIDE_PX = 8     # a picture narrower than this as read holds no line of text (a 3 x 6,000 px one
                         # was read in 1,200 tiles, each enlarged by the engine, for minutes)
ENLARGE_BELOW_PX = 1400  # images with a shorter long side are enlarged (small text reads better larger)...
MAX_ENLARGE = 2.0        # ...by at most this much
MAX_SIDE_PX = 4000       # larger images are read at this size (the engine's own limit is lower still)
ENGINE_MAX_SIDE_PX = 2000  # the engine shrinks a longer picture until its long side is this long...
ENGINE_SIDE_STEP_PX = 32   # ...and rounds its sides to multiples of this: half of it or less comes to nothing
WIDE_THIN_TILE_PX = 1000   # a wide picture it would refuse so is read in tiles this long (half holds a line whole)
MAX_PIXELS = 16_000_000  # a long picture, read in tiles, is read at most this large in all
TILE_ASPECT = 2.0        # a long picture's tiles are this many times as long as wide (thin ones' longer)...
TILE_OVERLAP = 0.15      # ...and a tall one's share this much of their length with the next (lines cross it)
DETECTOR_SIDE_PX = 736         # the engine's detector enlarges a picture until its short side is this long...
NARROW_DETECTOR_SIDE_PX = 384  # ...a narrow one's (shorter than this) only until it is this long (a multiple of 32)
MAX_DETECTOR_ENLARGE = 4.0     # ...and by at most this much
# The engine's models often drop the space between words; put it back where letters meet digits
# or a capital follows a small letter, and after a number's check letter X, so "Ofqual603/1234/5",
# "5Higher" and "603/1234/Xwith" read as words.
_JOINED = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])|(?<=[a-z])(?=[A-Z])|(?<=/X)(?=[a-z])")


@dataclass(frozen=True)
class OcrLine:
    """One line of text read, its box (image px: x0, y0, x1, y1) and the engine's confidence."""

    text: str
    box: tuple[float, float, float, float]
    score: float


@dataclass(frozen=True)
class OcrText:
    """The text read in an image: its lines joined by newlines, in reading order."""

    lines: tuple[OcrLine, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def box(self, start: int, end: int, scale: float = 1.0) -> tuple[float, float, float, float] | None:
        """The box around the lines holding characters ``start`` to ``end`` of :attr:`text`, times ``scale``."""
        boxes, offset = [], 0
        for line in self.lines:
            line_end = offset + len(line.text)
            if offset < end and start < line_end:
                boxes.append(line.box)
            offset = line_end + 1
        if not boxes:
            return None
        return (min(b[0] for b in boxes) * scale, min(b[1] for b in boxes) * scale,
                max(b[2] for b in boxes) * scale, max(b[3] for b in boxes) * scale)


def check_ocr_mode(mode: object) -> None:
    """Refuse an unknown mode, and ``always`` when the engine is not installed."""
    if mode not in OCR_MODES:
        raise UsageError(f"ocr must be one of {', '.join(OCR_MODES)}; got {mode!r}")
    if mode == "always" and not ocr_available():
        raise UsageError("ocr=\"always\" needs the OCR engine; install it with pip install 'htq-mark[ocr]', "
                         "or use ocr=\"auto\" or ocr=\"never\".")


def ocr_available() -> bool:
    """Whether the OCR engine is installed (the ``ocr`` extra)."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise UsageError("reading text in pictures needs the OCR engine; install it with "
                         "pip install 'htq-mark[ocr]', or scan with ocr=\"never\".") from None
    # One thread each: scan workers already share the cores between them.
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)
    with contextlib.suppress(AttributeError):  # another version's detector: it reads, only more slowly
        _resize_narrow_pictures_less(engine.text_det)
    for stage in _stages(engine):
        model = getattr(stage.session, "_model_path", None)
        if isinstance(model, str):
            try:
                stage.session = _PooledSession(model, stage.session)
            except Exception:  # noqa: BLE001 - the engine's own session still reads, only more slowly
                continue
    return engine


def _resize_narrow_pictures_less(detector: Any, side: int = NARROW_DETECTOR_SIDE_PX,
                                 most: float = MAX_DETECTOR_ENLARGE) -> None:
    """Have the engine's text detector enlarge a picture that reaches it with its short side under ``side``
    (after the engine's own shrinking of long pictures) only until that side is ``side`` long, and by at most
    ``most``, where it enlarged every picture until it was ``DETECTOR_SIDE_PX``.

    Its cost grows with the square of the enlargement: a 120 x 1,390 px strip was searched at
    736 x 8,512 px, a 40 x 3,000 px one at 736 x 45,632. Not enlarged at all, light text on a dark
    gradient could go unseen.
    """
    if detector.limit_type != "min":  # another version's way of sizing: leave it to the detector
        return
    ordinary = detector.get_preprocess(0)  # the detector's resizing and normalising, as the engine sets it

    def preprocess(image: NDArray[np.uint8]) -> Any:
        short = min(image.shape[:2])
        if short >= side:
            return ordinary(image)
        narrow = copy.copy(ordinary)
        narrow.limit_side_len = min(side, most * short)
        return narrow(image)

    detector.get_preprocess = lambda longest_side: preprocess


def _stages(engine: Any) -> tuple[Any, Any, Any]:
    """The holders of the engine's three ONNX Runtime sessions (each in ``.session``): the detector's
    and the classifier's sit in ``.infer``, the recogniser's in ``.session``."""
    return engine.text_det.infer, engine.text_cls.infer, engine.text_rec.session


class _PooledSession:
    """An ONNX Runtime session of one of the engine's models that takes its working memory from a pool
    for each run and gives it back after it (the engine's own sessions take each buffer from the system).

    Should a run fail where the engine's ``own`` session reads, that session reads from then on.
    """

    def __init__(self, model: str, own: Any) -> None:
        self._own = own
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 4
        options.enable_cpu_mem_arena = True
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
        self._give_back = onnxruntime.RunOptions()
        self._give_back.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        if self._session is self._own:
            return self._own.run(output_names, input_feed, run_options)
        try:
            # Kept, the pool would stay with the process at its largest picture's size: a long, narrow
            # picture is read at any length.
            return self._session.run(output_names, input_feed, self._give_back if run_options is None else run_options)
        except Exception:  # noqa: BLE001 - judged by what the engine's own session makes of the same input
            found = self._own.run(output_names, input_feed, run_options)  # its error, if it fails too
        self._session = self._own  # the pooled session fails where it reads: it reads from now on
        return found

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not the session's: and _session itself may not be set yet
            raise AttributeError(name)
        return getattr(self._session, name)


def _reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Top to bottom, then left to right among lines sharing a row."""
    if not lines:
        return lines
    heights = sorted(line.box[3] - line.box[1] for line in lines)
    row = max(1.0, heights[len(heights) // 2] / 2)
    return sorted(lines, key=lambda line: (round(line.box[1] / row), line.box[0]))


def read_text(rgb: NDArray[np.uint8]) -> OcrText:
    """Every line of text the engine reads in ``rgb`` (uint8, height x width x 3).

    A picture longer than ``MAX_SIDE_PX`` and more than three times as long as wide
    (a whole web page, an infographic) is read in overlapping tiles of ordinary
    shape, at most ``MAX_PIXELS`` in all: read whole, it was shrunk until its text
    was too small to read, and the engine then enlarged it again to a size that
    took gigabytes and most of a minute. So is a picture the engine would shrink to
    nothing across, and refuse (a ribbon 30 x 4,000 px), a wide one in tiles
    ``WIDE_THIN_TILE_PX`` long. Other pictures are read whole.
    """
    import cv2
    import numpy as np

    height, width = rgb.shape[:2]
    longest, shortest = max(height, width), max(1, min(height, width))
    scale = 1.0
    # Only a picture too long to read whole (shrunk to fit, its text would be too small) is tiled: one
    # longer than MAX_SIDE_PX, or a thin one the engine would shrink to nothing across and refuse (a
    # 20 x 3,000 px picture came to 13 px, rounded to 0). The engine's own arithmetic, as it is.
    thin = longest > ENGINE_MAX_SIDE_PX and \
        int(shortest * (ENGINE_MAX_SIDE_PX / longest)) <= ENGINE_SIDE_STEP_PX // 2
    long_picture = longest / shortest > TILE_ASPECT + 1 and (longest > MAX_SIDE_PX or thin)
    if long_picture:
        scale = min(1.0, MAX_SIDE_PX / shortest, math.sqrt(MAX_PIXELS / (height * width)))
    elif longest < ENLARGE_BELOW_PX:
        scale = min(MAX_ENLARGE, ENLARGE_BELOW_PX / longest)
    elif longest > MAX_SIDE_PX:
        scale = MAX_SIDE_PX / longest
    if min(height, width) * scale < MIN_TEXT_SIDE_PX:
        return OcrText(())
    image: NDArray[np.uint8] = rgb if scale == 1.0 else np.asarray(cv2.resize(
        rgb, (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA), dtype=np.uint8)
    lines: list[OcrLine] = []
    # Tiles at least the detector's narrow side long (a 3 x 6,000 px picture made 1,200 tiles); lines run
    # along a wide picture's tiles, and tiles of 384 px cut a thin ribbon's number in both.
    length = WIDE_THIN_TILE_PX if thin and width > height and longest <= MAX_SIDE_PX else \
        max(NARROW_DETECTOR_SIDE_PX, round(TILE_ASPECT * min(image.shape[:2])))
    for x0, y0, tile in _tiles(image, length) if long_picture else [(0, 0, image)]:
        for line in _read_tile(tile):
            box = ((line.box[0] + x0) / scale, (line.box[1] + y0) / scale,
                   (line.box[2] + x0) / scale, (line.box[3] + y0) / scale)
            placed = OcrLine(line.text, box, line.score)
            # Where tiles overlap a line is read twice (whole in one, perhaps cut in the other): the
            # fuller reading stays, and of two as full the surer.
            twice = next((index for index, other in enumerate(lines) if _same_place(placed, other)), None) \
                if long_picture else None
            if twice is None:
                lines.append(placed)
            elif _fuller(placed, lines[twice]):
                lines[twice] = placed
    return OcrText(tuple(_reading_order(lines)))


def _tiles(image: NDArray[np.uint8], length: int) -> Iterator[tuple[int, int, NDArray[np.uint8]]]:
    """A long picture (more than three times as long as wide) in tiles ``length`` px long along its long side,
    each with its offset: a tall picture's overlapping by TILE_OVERLAP, a wide one's by half a tile."""
    height, width = image.shape[:2]
    along = max(height, width)
    # Lines run along a wide picture's tiles: half a tile's overlap puts any line up to half a tile long
    # whole in one of them. A tall picture's tiles are cut across its lines: a little overlap is enough.
    overlap = 0.5 if width > height else TILE_OVERLAP
    step = max(1, round(length * (1 - overlap)))
    for start in range(0, along, step):
        end = min(along, start + length)
        start = max(0, end - length)  # the last tile is whole too
        yield (0, start, image[start:end]) if height > width else (start, 0, image[:, start:end])
        if end == along:
            return


def _read_tile(image: NDArray[np.uint8]) -> list[OcrLine]:
    import numpy as np

    found, _ = _engine()(np.ascontiguousarray(image[..., ::-1]))  # the engine reads BGR, as OpenCV does
    lines = []
    for points, text, score in found or ():
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        corners = np.asarray(points, dtype=np.float64)
        lines.append(OcrLine(_JOINED.sub(" ", str(text).strip()), (float(corners[:, 0].min()), float(corners[:, 1].min()),
                                         float(corners[:, 0].max()), float(corners[:, 1].max())), float(score)))
    return lines


def _fuller(a: OcrLine, b: OcrLine) -> bool:
    """Whether ``a`` is the better reading of a line read twice: the wider box, or as wide and surer."""
    width_a, width_b = a.box[2] - a.box[0], b.box[2] - b.box[0]
    return width_a > width_b * 1.05 or (width_a >= width_b * 0.95 and a.score > b.score)


def _same_place(a: OcrLine, b: OcrLine) -> bool:
    """Whether two lines read in overlapping tiles are one (their boxes mostly the same)."""
    across = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    down = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    smaller = min((a.box[2] - a.box[0]) * (a.box[3] - a.box[1]), (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]))
    return across > 0 and down > 0 and across * down >= 0.5 * smaller
