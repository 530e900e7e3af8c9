"""Turn the detector's pixel detections into reported marks.

Images: boxes stay in pixels, width in px, source ``raster``. PDF pages: pixels
become points (72/dpi) and the width mm; where a mark lies in a placed image,
that image's matrix gives the exact rotation and stretch and its effective ppi,
and the source says how it was drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._pdf.geometry import area, bounds
from ._pdf.placements import Placement
from ._pdf.vectors import drawn_as_vectors
from ._results import BBox, Mark, MarkSource

if TYPE_CHECKING:
    from ._detect import Detection

__all__ = ["AGREE_STRETCH", "PlacedMark", "image_mark", "pdf_mark", "sort_detections"]

# A mark lies in a placement when this share of its box is inside the placement's box.
_INSIDE = 0.9
# A placed image "is" the mark (perhaps with its clear space) when the mark covers this share of it;
# below that the mark is baked into a larger picture.
_IS_THE_MARK = 0.4
# Matrix measurements replace pixel ones only when they agree this closely (the artwork may be
# turned or stretched inside the picture too); a web page's DOM measurements likewise.
_AGREE_DEG = 3.0
AGREE_STRETCH = 0.03


@dataclass(frozen=True)
class PlacedMark:
    """A mark and what the PDF's structure says about it."""

    mark: Mark
    effective_ppi: float | None


def sort_detections(detections: Sequence[Detection]) -> list[Detection]:
    """Detections in reading order: top to bottom, then left to right."""
    return sorted(detections, key=lambda d: (round(bounds(d.corners)[1], 1), bounds(d.corners)[0]))


def image_mark(detection: Detection, mark_id: str, page: int) -> Mark:
    """A mark found in an image file (pixels)."""
    box = bounds(detection.corners)
    return Mark(id=mark_id, page=page, bbox=box, variant=detection.variant,
                confidence=float(detection.confidence), width_mm=None, width_px=float(detection.width_px),
                rotation_deg=float(detection.rotation_deg),
                aspect_ratio_error=float(detection.aspect_ratio_error), source="raster")


def _overlap(a: BBox, b: BBox) -> float:
    return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def _containing(box: BBox, placements: Sequence[Placement], kind: str) -> Placement | None:
    """The smallest placement of ``kind`` that holds the box."""
    box_area = area(box)
    if box_area <= 0:
        return None
    holding = [p for p in placements if p.kind == kind and _overlap(box, p.bbox) >= _INSIDE * box_area]
    return min(holding, key=lambda p: area(p.bbox)) if holding else None


def _per_inch(ppi_in_units: float | None, user_unit: float) -> float | None:
    """Pixels per inch on the printed page, from pixels per 72 of the page's units."""
    return None if ppi_in_units is None else ppi_in_units / user_unit


def pdf_mark(detection: Detection, mark_id: str, page: int, dpi: float,
             placements: Sequence[Placement], vectors: Sequence[BBox] = (), *, user_unit: float = 1.0) -> PlacedMark:
    """A mark found on a PDF page rendered at ``dpi`` pixels per 72 of its units, refined by its placements.

    ``vectors`` are the boxes of the page's vector objects: a mark inside a larger
    image but drawn over it as vectors is a vector mark, not a low-resolution one.
    ``user_unit`` is the page's /UserUnit (a unit is that many points): millimetres
    and pixels per inch follow it; boxes stay in the page's units.
    """
    scale = 72.0 / dpi
    corners = [(x * scale, y * scale) for x, y in detection.corners]
    box = bounds(corners)
    width_mm = float(detection.width_px) * 25.4 * user_unit / dpi
    rotation = float(detection.rotation_deg)
    aspect = float(detection.aspect_ratio_error)
    source: MarkSource = "vector"
    ppi: float | None = None
    image = _containing(box, placements, "image")
    if image is not None:
        share = area(box) / max(area(image.bbox), 1e-9)
        if share >= _IS_THE_MARK:
            ppi = _per_inch(image.effective_ppi, user_unit)
            source = "image-xobject"
            turn = image.rotation_deg
            if abs((turn - rotation + 180.0) % 360.0 - 180.0) <= _AGREE_DEG:
                rotation = turn
            if abs(image.stretch - aspect) <= AGREE_STRETCH:
                aspect = image.stretch
        elif not drawn_as_vectors(box, vectors):
            ppi = _per_inch(image.effective_ppi, user_unit)
            source = "raster"
    mark = Mark(id=mark_id, page=page, bbox=box, variant=detection.variant,
                confidence=float(detection.confidence), width_mm=width_mm, width_px=None,
                rotation_deg=rotation, aspect_ratio_error=aspect, source=source)
    return PlacedMark(mark=mark, effective_ppi=ppi)
