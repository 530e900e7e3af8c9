"""What is searched and read in one page's or frame's picture: the marks, and (OCR) its text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ._context import Collected, ScanContext
from ._marks import sort_detections
from . import _ocr
from ._ocr import OcrMode, OcrText
from ._reason import reason
from ._results import BBox, Note

if TYPE_CHECKING:
    import numpy as np

    from ._detect import Detection

__all__ = ["combined_text", "find_in_picture", "read_picture_text", "wants_ocr"]

#: The detector refuses pictures narrower or lower than this; they are simply searched for nothing.
_SMALLEST_SEARCHED_PX = 4


def find_in_picture(rgb: np.ndarray, context: ScanContext) -> list[Detection]:
    """The marks found in ``rgb`` with at least the kit's minimum confidence, in reading order."""
    from ._detect import find_marks  # the detector loads NumPy and OpenCV on import

    spec = context.kit.spec
    if min(rgb.shape[:2]) < _SMALLEST_SEARCHED_PX:  # a few pixels cannot hold a mark
        return []
    found = find_marks(rgb, context.references, spec=spec)
    return sort_detections([d for d in found if d.confidence >= spec.scan.minimum_confidence])


def wants_ocr(mode: OcrMode, has_mark: bool, has_text: bool) -> bool:
    """Whether to read the text in a picture: always, or (auto) where the mark shows and no text layer does."""
    return mode == "always" or (mode == "auto" and has_mark and not has_text)


def read_picture_text(rgb: np.ndarray, out: Collected) -> OcrText | None:
    """The text OCR reads in ``rgb``; None (with a note, once) when the engine is not installed."""
    if not _ocr.ocr_available():
        note = Note("ocr-unavailable", "text in pictures was not read: the OCR engine is not installed "
                                       "(pip install 'htq-mark[ocr]')")
        if note not in out.notes:
            out.notes.append(note)
        return None
    try:
        return _ocr.read_text(rgb)
    except Exception as exc:  # noqa: BLE001 - the engine refusing a picture (say, a sliver) loses its text only
        out.notes.append(Note("ocr-failed", f"the text in a picture could not be read "
                                            f"({type(exc).__name__}: {reason(exc)})"))
        return None


def combined_text(layer: str, layer_box: Callable[[int, int], BBox | None], read: OcrText | None,
                  scale: float) -> tuple[str, Callable[[int, int], BBox | None]]:
    """A page's text layer followed by the text read in its picture, and where any stretch of either is."""
    if read is None:
        return layer, layer_box
    if not layer.strip():
        return read.text, lambda start, end: read.box(start, end, scale)
    offset = len(layer) + 1

    def locate(start: int, end: int) -> BBox | None:
        if start < len(layer):
            return layer_box(start, min(end, len(layer)))
        return read.box(start - offset, end - offset, scale)

    return layer + "\n" + read.text, locate
