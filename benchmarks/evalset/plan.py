"""Which cases a set holds: conditions x media, in two sizes.

``small`` (about 60 cases) is for CI and development; ``full`` (a few hundred)
covers every condition in every medium it applies to several times over.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PLAN", "SIZES", "TARGET_CONDITIONS", "PlannedCase", "plan_cases"]

SIZES = ("small", "full")

#: Conditions with a detection target of their own (recall >= 0.98 each).
TARGET_CONDITIONS = ("compliant", "small", "rotated", "stretched", "recoloured", "cropped", "jpeg-q60",
                     "photo", "busy-page", "real-pdf",
                     "small-intruder", "frame-clipped", "tiny", "own-colour-plate",
                     "own-colour-plate-cropped", "mirrored")

#: condition -> medium -> (cases in small, cases in full)
PLAN: dict[str, dict[str, tuple[int, int]]] = {
    "compliant": {"png": (2, 8), "jpeg": (1, 6), "pdf-vector": (2, 8), "pdf-raster": (1, 6)},
    "small": {"png": (2, 10), "jpeg": (1, 6), "pdf-vector": (2, 8), "pdf-raster": (1, 4)},
    "rotated": {"png": (2, 10), "jpeg": (1, 6), "pdf-vector": (2, 8), "pdf-raster": (1, 4)},
    "stretched": {"png": (2, 10), "jpeg": (1, 6), "pdf-vector": (2, 8), "pdf-raster": (1, 4)},
    "recoloured": {"png": (2, 10), "jpeg": (1, 4), "pdf-vector": (1, 6), "pdf-raster": (1, 3)},
    "cropped": {"png": (2, 10), "jpeg": (1, 4), "pdf-vector": (1, 6), "pdf-raster": (0, 3)},
    "jpeg-q60": {"jpeg": (2, 12)},
    "photo": {"png": (1, 6), "jpeg": (1, 6), "pdf-vector": (1, 4), "pdf-raster": (1, 4)},
    "busy-page": {"png": (1, 6), "jpeg": (1, 4), "pdf-vector": (1, 4), "pdf-raster": (0, 3)},
    "real-pdf": {"pdf-vector": (2, 10), "pdf-raster": (1, 6)},
    "occluded": {"png": (1, 5), "pdf-vector": (0, 3)},
    "clear-space": {"png": (1, 6), "jpeg": (0, 3), "pdf-vector": (1, 6)},
    "low-contrast": {"png": (1, 6), "pdf-vector": (1, 4)},
    "low-resolution": {"pdf-raster": (2, 8)},
    "altered": {"png": (1, 5), "pdf-vector": (1, 4)},
    "not-entitled": {"pdf-vector": (1, 6)},
    "no-qualification": {"pdf-vector": (1, 4)},
    "multi": {"png": (1, 3), "pdf-vector": (0, 3)},
    "no-mark": {"png": (2, 8), "jpeg": (1, 4), "pdf-vector": (1, 6)},
    # Added later, after the cases above, so those keep their numbers (and drawings) for every seed.
    "small-intruder": {"png": (1, 6), "jpeg": (0, 6), "pdf-vector": (0, 6)},
    "frame-clipped": {"png": (1, 10), "jpeg": (0, 8), "pdf-vector": (1, 8), "pdf-raster": (0, 6)},
    "tiny": {"png": (0, 8), "jpeg": (1, 12), "pdf-vector": (1, 6), "pdf-raster": (0, 4)},
    "part-removed": {"png": (1, 6), "jpeg": (0, 4), "pdf-vector": (1, 6)},
    "part-recoloured": {"png": (1, 6), "jpeg": (0, 4), "pdf-vector": (1, 6)},
    "own-colour-plate": {"png": (1, 6), "jpeg": (0, 4), "pdf-vector": (1, 6)},
    "own-colour-plate-cropped": {"png": (1, 6), "jpeg": (0, 4)},
    # The artwork flipped left to right (a design tool's flip, a photograph taken in a selfie camera).
    "mirrored": {"png": (1, 6), "jpeg": (0, 4), "pdf-vector": (1, 6)},
}


@dataclass(frozen=True)
class PlannedCase:
    """One case to draw: its number (which seeds it), main condition and medium."""

    index: int
    condition: str
    medium: str

    @property
    def id(self) -> str:
        return f"e{self.index:04d}"


def plan_cases(size: str) -> list[PlannedCase]:
    """The cases of a set of ``size`` ("small" or "full"), in a stable order."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; use small or full")
    column = SIZES.index(size)
    cases: list[PlannedCase] = []
    for condition, media in PLAN.items():
        for medium, counts in media.items():
            for _ in range(counts[column]):
                cases.append(PlannedCase(len(cases) + 1, condition, medium))
    return cases
