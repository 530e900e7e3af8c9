"""Per-document limits: how much work one document may ask of the scanner.

Every limit is checked before the work it guards (file size before reading,
page count before rendering, pixel counts from headers before decoding), so a
hostile file costs little. Beyond a limit a document is reported as
``too-large`` (or ``timeout``) and the batch goes on.
"""

from __future__ import annotations

import math

from dataclasses import dataclass, fields
from typing import Any

from ..errors import UsageError

__all__ = ["DEFAULT_LIMITS", "MAX_DECODABLE_PIXELS", "MAX_LIMIT_COUNT", "MAX_LIMIT_SECONDS", "Limits", "ceiling",
           "check_limits", "is_count"]

#: Pillow refuses to decode a picture larger than this (twice its ``Image.MAX_IMAGE_PIXELS``) as a
#: decompression bomb, so ``max_pixels_per_page`` cannot usefully be higher.
MAX_DECODABLE_PIXELS = 2 * 89_478_485


#: The longest time limit (a week): the timers that enforce them take no more than about 3e9 s.
MAX_LIMIT_SECONDS = 7 * 24 * 3600
#: The largest count or size limit.
MAX_LIMIT_COUNT = 2**53


def is_count(name: str) -> bool:
    """Whether the limit ``name`` counts things (and so takes whole numbers only)."""
    return Limits.__dataclass_fields__[name].type in ("int", int)


def ceiling(name: str) -> int:
    """The largest value the limit ``name`` may take: clocks and buffer sizes overflow past it, and the
    image decoder reads no larger picture safely."""
    if name == "max_pixels_per_page":
        return MAX_DECODABLE_PIXELS
    return MAX_LIMIT_SECONDS if name.endswith("_seconds") else MAX_LIMIT_COUNT


def check_limits(limits: object) -> None:
    """Raise :class:`UsageError` unless ``limits`` is a :class:`Limits` (a dict of them is not)."""
    if not isinstance(limits, Limits):
        raise UsageError(f"limits takes a Limits, e.g. Limits(max_pages=50), not {type(limits).__name__}.")


@dataclass(frozen=True)
class Limits:
    """Limits applied to each document.

    ``max_pages``: most pages (PDF) a document may have.
    ``max_pixels_per_page``: most pixels of one page of an image file (each frame), at most
    :data:`MAX_DECODABLE_PIXELS`.
    ``max_frames``: most frames of a multi-frame TIFF or GIF.
    ``max_file_bytes``: largest file read.
    ``max_seconds``: time allowed for one document (enforced by :func:`htq_mark.scan`).
    ``max_render_pixels``: most pixels a PDF page is rendered at; larger pages are
    rendered at a lower resolution (noted in the result).
    ``max_content_bytes``: largest decoded content stream of a PDF page that is
    walked for image and form placements.
    ``max_operators``: most content-stream operators walked per page.
    ``max_form_depth``: deepest nesting of form XObjects followed.
    ``max_folder_entries``: most files and folders a scan looks at below each
    folder given (beyond it the folder is reported as ``too-large``).
    ``max_page_seconds``: time a web page may take to load, settle and be captured (per viewport).
    ``max_page_height``: tallest web page rendered, in CSS px.
    ``max_page_bytes``: most bytes a web page (with everything it loads) or a linked file may fetch.
    ``max_page_requests``: most requests one web page may make.
    ``max_reference_seconds``: time allowed for drawing the kit's artwork into
    the detector's references, once per scan (beyond it the kit is refused).
    """

    max_pages: int = 2000
    max_pixels_per_page: int = 80_000_000
    max_frames: int = 200
    max_file_bytes: int = 512 * 1024 * 1024
    max_seconds: float = 120.0
    max_render_pixels: int = 40_000_000
    max_content_bytes: int = 8 * 1024 * 1024
    max_operators: int = 200_000
    max_form_depth: int = 12
    max_folder_entries: int = 100_000
    max_page_seconds: float = 30.0
    max_page_height: int = 20_000
    max_page_bytes: int = 64 * 1024 * 1024
    max_page_requests: int = 400
    max_reference_seconds: float = 60.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
                raise UsageError(f"limit {item.name} must be a positive, finite number; got {value!r}")
            largest = ceiling(item.name)
            if value > largest:
                raise UsageError(f"limits.{item.name} can be at most {largest:,}; got {value:.3g}")
            if is_count(item.name):  # 5.0 is taken as 5, 0.5 is refused
                if value != int(value):
                    raise UsageError(f"limit {item.name} is a count and must be a whole number; got {value!r}")
                object.__setattr__(self, item.name, int(value))

    def replace(self, **changes: Any) -> Limits:
        """A copy with some limits changed (``None`` values are ignored)."""
        current = {item.name: getattr(self, item.name) for item in fields(self)}
        unknown = set(changes) - set(current)
        if unknown:
            raise UsageError(f"unknown limit(s): {', '.join(sorted(unknown))}; the limits are "
                             f"{', '.join(sorted(current))}")
        current.update({k: v for k, v in changes.items() if v is not None})
        return Limits(**current)


DEFAULT_LIMITS = Limits()
