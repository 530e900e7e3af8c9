"""The detector: finds the quality mark in an RGB image and measures how it is used.

    refs = build_references(kit)                  # once per kit; picklable
    detections = find_marks(rgb, refs, spec=kit.spec)

References come from the kit's own artwork, so a new kit needs no code change.
"""

from ..._exports import claim_exports
from .find import find_marks
from .model import Detection, PixelMeasurements
from .references import References, build_references

__all__ = ["Detection", "PixelMeasurements", "References", "build_references", "find_marks"]

# The names htq_mark exports from here report htq_mark as their module.
claim_exports(__name__, globals())
