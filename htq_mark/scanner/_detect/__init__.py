"""The detector: finds the quality mark in an RGB image and measures how it is used.

    refs = build_references(kit)                  # once per kit; picklable
    detections = find_marks(rgb, refs, spec=kit.spec)

References come from the kit's own artwork, so a new kit needs no code change.
"""

from .find import find_marks
from .model import Detection, PixelMeasurements
from .references import References, build_references

__all__ = ["Detection", "PixelMeasurements", "References", "build_references", "find_marks"]
