"""Build MarkFacts for rule tests from Detection and PixelMeasurements objects."""

from __future__ import annotations

from dataclasses import replace

from htq_mark.scanner._detect import Detection, PixelMeasurements
from htq_mark.scanner._results import Mark
from htq_mark.scanner._rules import MarkFacts

MEASURED = PixelMeasurements(
    palette_distance=2.0, best_variant="colour", background_luminance=0.95, background_variation=0.01,
    background_kind="light", contrast_ratio=12.0, clear_space_required_px=25.0, clear_space_intrusion=0.0,
    clear_space_intrusion_px={"left": 0.0, "right": 0.0, "top": 0.0, "bottom": 0.0},
    altered_difference=0.01, covered_fraction=0.0)


def detection(**changes) -> Detection:
    measured = replace(MEASURED, **changes.pop("measurements", {}))
    base = Detection(corners=((100.0, 100.0), (420.0, 100.0), (420.0, 200.0), (100.0, 200.0)), confidence=0.95,
                     variant="colour", width_px=320.0, height_px=100.0, rotation_deg=0.0, aspect_ratio_error=0.0,
                     visible_fraction=1.0, measurements=measured)
    return replace(base, **changes)


def pdf_facts(width_mm: float = 40.0, *, dpi: float = 200.0, ppi: float | None = None, **changes) -> MarkFacts:
    found = detection(**changes)
    mark = Mark(id="m1", page=1, bbox=(36.0, 36.0, 151.2, 72.0), variant=found.variant,
                confidence=found.confidence, width_mm=width_mm, width_px=None,
                rotation_deg=found.rotation_deg, aspect_ratio_error=found.aspect_ratio_error, source="vector")
    return MarkFacts(mark=mark, detection=found, unit="pt", units_per_px=72.0 / dpi, mm_per_px=25.4 / dpi,
                     effective_ppi=ppi)


def image_facts(width_px: float = 320.0, **changes) -> MarkFacts:
    found = detection(**changes)
    mark = Mark(id="m1", page=1, bbox=(100.0, 100.0, 420.0, 200.0), variant=found.variant,
                confidence=found.confidence, width_mm=None, width_px=width_px,
                rotation_deg=found.rotation_deg, aspect_ratio_error=found.aspect_ratio_error, source="raster")
    return MarkFacts(mark=mark, detection=found, unit="px", units_per_px=1.0, mm_per_px=None)
