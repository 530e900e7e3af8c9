"""One file of a pack: where it goes in the pack and the asset it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._generate import GeneratedAsset

__all__ = ["PackedFile"]


@dataclass(frozen=True)
class PackedFile:
    """One file of a pack: where it goes and the asset it holds."""

    path: str
    preset: str
    asset: GeneratedAsset = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The file's manifest entry."""
        asset, layout = self.asset, self.asset.layout
        return {
            "path": self.path,
            "sha256": asset.sha256,
            "bytes": len(asset.data),
            "variant": asset.variant,
            "format": asset.format,
            "media_type": asset.media_type,
            "preset": self.preset,
            "dpi": int(layout.dpi) if layout.dpi.is_integer() else layout.dpi,
            "width_px": layout.artwork_width_px,
            "height_px": layout.artwork_height_px,
            "canvas_width_px": layout.canvas_width_px,
            "canvas_height_px": layout.canvas_height_px,
            "width_mm": round(layout.artwork_width_mm, 3),
            "height_mm": round(layout.artwork_height_mm, 3),
            "canvas_width_mm": round(layout.canvas_width_mm, 3),
            "canvas_height_mm": round(layout.canvas_height_mm, 3),
            "exact_unit": layout.basis,
            "clear_space": asset.clear_space,
            "colour_space": asset.colour_space,
        }
