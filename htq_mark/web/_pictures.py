"""A picture file a page shows, laid on flat backdrops so the detector can judge the file by itself.

On the page, a mark's knock-outs show whatever lies behind it; over a photograph
the detector cannot tell an alteration there from the photograph. The file
itself has no such doubt: its transparent parts are laid on a flat backdrop
(white, then dark for marks made for dark backgrounds) with a margin around it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import UnreadableFileError
from ..scanner._images import PILLOW_FORMATS, _check_size, _open
from ..scanner._limits import Limits

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["BACKDROPS", "on_backdrops"]

#: Pictures with more pixels than this are scaled down first (the backdrops are worked in floats).
_MOST_PIXELS = 4_000_000
#: White first (most marks are made for light backgrounds), then a dark grey for the white mark.
BACKDROPS: tuple[tuple[int, int, int], ...] = ((255, 255, 255), (40, 40, 40))


def on_backdrops(data: bytes, kind: str, name: str, limits: Limits) -> Iterator[tuple[NDArray[np.uint8], int]]:
    """The file's first frame as RGB on each backdrop in turn (only white when it has no transparency),
    with a margin of a quarter of its width all round, and its width (of the picture as judged: one
    of over 4 million pixels is scaled down); raises the scanner's errors for a damaged or too large file."""
    import numpy as np

    if kind not in PILLOW_FORMATS:
        raise UnreadableFileError(name, f"is not a picture htq-mark reads ({kind}).")
    image = _open(data, kind, name)
    try:
        _check_size(image, name, 1, limits)
        try:
            if image.width * image.height > _MOST_PIXELS:  # no logo is this large: judge it smaller
                scale = math.sqrt(_MOST_PIXELS / (image.width * image.height))
                image.thumbnail((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise UnreadableFileError(name, "the picture is damaged or incomplete.") from exc
    finally:
        image.close()
    alpha = rgba[..., 3:] / np.float32(255.0)
    margin = max(8, int(rgba.shape[1] * 0.25))
    transparent = bool((alpha < 1.0).any())
    for backdrop in BACKDROPS if transparent else BACKDROPS[:1]:
        flat = np.asarray(backdrop, dtype=np.float32)
        rgb = rgba[..., :3] * alpha + flat * (np.float32(1.0) - alpha)
        padded = np.empty((rgb.shape[0] + 2 * margin, rgb.shape[1] + 2 * margin, 3), np.uint8)
        padded[...] = np.asarray(backdrop, np.uint8)
        padded[margin:-margin, margin:-margin] = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
        yield padded, rgba.shape[1]

