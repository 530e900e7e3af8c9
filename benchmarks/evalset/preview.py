"""Contact sheets of a generated set with the ground truth drawn in, to check labels by eye.

    python -m benchmarks.evalset.preview DIR [--out sheet.png] [--cases e0001,e0002]
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from htq_mark._io import write_atomic

__all__ = ["load_page", "main", "sheet"]

THUMB = 360


def load_page(path: Path, unit: str, dpi: float = 72.0) -> tuple[NDArray[np.uint8], float]:
    """The case's first page as RGB and its pixels per page unit."""
    if unit == "pt":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(path))
        try:
            bitmap = document[0].render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
            image = bitmap.to_numpy()[..., :3]
            if bitmap.mode.startswith("BGR"):
                image = image[..., ::-1]
        finally:
            document.close()
        return np.ascontiguousarray(image, dtype=np.uint8), dpi / 72
    from PIL import Image

    with Image.open(path) as picture:
        return np.asarray(picture.convert("RGB"), dtype=np.uint8).copy(), 1.0


def _thumbnail(root: Path, case: dict[str, Any]) -> NDArray[np.uint8]:
    import cv2

    image, scale = load_page(root / case["file"], case["unit"])
    for mark in case["marks"]:
        points = np.array(mark["corners"], dtype=np.float64) * scale
        colour = (0, 200, 0) if not mark["rules"] else (230, 0, 0)
        cv2.polylines(image, [np.round(points * 4).astype(np.int32)], True, colour, 2, cv2.LINE_AA, shift=2)
        cv2.circle(image, tuple(int(v) for v in points[0]), 4, (255, 0, 255), -1)
    h, w = image.shape[:2]
    factor = THUMB / max(h, w)
    small = cv2.resize(image, (max(1, int(w * factor)), max(1, int(h * factor))), interpolation=cv2.INTER_AREA)
    tile = np.full((THUMB + 24, THUMB, 3), 255, np.uint8)
    tile[24:24 + small.shape[0], :small.shape[1]] = small
    rules = ",".join(r["rule"] for r in case["rules"]) or "-"
    cv2.putText(tile, f"{case['id']} {case['condition']} [{rules}]", (2, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.42,
                (0, 0, 0), 1, cv2.LINE_AA)
    return tile


def sheet(root: Path, cases: Sequence[dict[str, Any]], columns: int = 6) -> bytes:
    """A PNG contact sheet of ``cases`` (top-left corner of each mark marked in magenta)."""
    from PIL import Image

    tiles = [_thumbnail(root, case) for case in cases]
    rows = (len(tiles) + columns - 1) // columns
    canvas = np.full((rows * (THUMB + 28), columns * (THUMB + 4), 3), 200, np.uint8)
    for index, tile in enumerate(tiles):
        r, c = divmod(index, columns)
        canvas[r * (THUMB + 28):r * (THUMB + 28) + tile.shape[0], c * (THUMB + 4):c * (THUMB + 4) + tile.shape[1]] = tile
    buffer = io.BytesIO()
    Image.fromarray(canvas).save(buffer, "PNG")
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.evalset.preview", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="folder holding labels.json")
    parser.add_argument("--out", type=Path, default=Path("evalset-preview.png"))
    parser.add_argument("--cases", default="", help="comma-separated case ids (default: all)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    labels = json.loads((args.root / "labels.json").read_text())
    wanted = set(filter(None, args.cases.split(",")))
    cases = [c for c in labels["cases"] if not wanted or c["id"] in wanted]
    write_atomic(args.out, sheet(args.root, cases), force=args.force)
    print(f"wrote {args.out} ({len(cases)} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
