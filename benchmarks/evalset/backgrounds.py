"""Procedural backgrounds for the evaluation set, and pages of the real PDF corpus as carriers.

Every function takes a seeded ``numpy.random.Generator`` and returns an RGB
``uint8`` array (height, width, 3), so the same seed always draws the same picture.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .compose import Image, draw_text_block, relative_luminance

__all__ = [
    "CORPUS_ENV_HINT",
    "TONES",
    "Carrier",
    "busy_page",
    "colour_of_tone",
    "corpus_dir",
    "find_carriers",
    "gradient",
    "photo",
    "plain",
    "render_carrier",
]

#: Luminance ranges (WCAG relative luminance) each tone is drawn from.
TONES: dict[str, tuple[float, float]] = {
    "white": (0.97, 1.0),
    "light": (0.55, 0.92),
    "pale": (0.45, 0.75),       # light, never white: a white mark on it is still visible
    "dark": (0.01, 0.10),
    "mid-dark": (0.06, 0.14),   # dark, not black: a black mark on it is still visible
}

CORPUS_ENV_HINT = "the real PDFs live in <repo>/../shared/corpus (pdfjs/ and pypdf-samples/)"
# Anything a scanner could read as a qualification number or an HTQ claim makes a page
# unusable as a neutral carrier.
_QN_LIKE = re.compile(r"\d{3}\D{0,3}\d{4}\D{0,3}[\dXx]|\b1\d{7}\s*:|HTQ|Higher\s+Technical", re.IGNORECASE)


def colour_of_tone(rng: np.random.Generator, tone: str) -> tuple[int, int, int]:
    """A random colour whose relative luminance lies in the tone's range."""
    low, high = TONES[tone]
    for _ in range(2000):
        colour = rng.integers(0, 256, 3)
        if tone == "white":
            colour = 255 - rng.integers(0, 6, 3)
        if low <= float(relative_luminance(colour)) <= high:
            return int(colour[0]), int(colour[1]), int(colour[2])
    raise RuntimeError(f"no colour found for tone {tone!r}")


def plain(size: tuple[int, int], colour: Sequence[int]) -> Image:
    """A flat colour; ``size`` is (width, height)."""
    return np.broadcast_to(np.array(colour, dtype=np.uint8), (size[1], size[0], 3)).copy()


def gradient(size: tuple[int, int], rng: np.random.Generator, tone: str) -> Image:
    """A linear gradient between two colours of the same tone, at a random angle."""
    w, h = size
    a = np.array(colour_of_tone(rng, tone), dtype=np.float32)
    b = np.array(colour_of_tone(rng, tone), dtype=np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = xx * np.cos(angle) + yy * np.sin(angle)
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    picture: Image = (a * (1 - t[..., None]) + b * t[..., None] + 0.5).astype(np.uint8)
    return picture


def _smooth_field(rng: np.random.Generator, size: tuple[int, int], cells: int, channels: int) -> NDArray[np.float32]:
    import cv2

    w, h = size
    gw, gh = max(2, cells), max(2, round(cells * h / max(1, w)) + 1)
    grid = rng.random((gh, gw, channels)).astype(np.float32)
    field = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.asarray(field, dtype=np.float32).reshape(h, w, channels)


def _noise(rng: np.random.Generator, size: tuple[int, int], sigma: float) -> NDArray[np.float32]:
    """Gaussian-blurred white noise scaled to unit standard deviation."""
    import cv2

    w, h = size
    field = np.asarray(cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), sigma),
                       dtype=np.float32)
    return field / np.float32(max(float(field.std()), 1e-6))


def photo(size: tuple[int, int], rng: np.random.Generator, tone: str, texture: float = 1.0) -> Image:
    """A photo-like picture: smooth colour fields, soft blobs, a few sharper shapes, texture and grain.

    ``tone`` ("dark" or "light") sets the overall brightness; ``texture``
    scales the local variation (0.3 for a soft picture, 1.5 for a busy one).
    """
    import cv2

    w, h = size
    # The soft, low-frequency part is drawn at a quarter of the size and scaled up.
    small = (max(8, w // 4), max(8, h // 4))
    sw, sh = small
    picture: NDArray[np.floating[Any]] = _smooth_field(rng, small, int(rng.integers(3, 7)), 3) * 255
    for _ in range(int(rng.integers(4, 12))):
        layer = np.zeros((sh, sw), np.float32)
        centre = (int(rng.integers(0, sw)), int(rng.integers(0, sh)))
        axes = (int(rng.integers(sw // 20 + 1, sw // 3 + 2)), int(rng.integers(sh // 20 + 1, sh // 3 + 2)))
        cv2.ellipse(layer, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
        alpha = cv2.GaussianBlur(layer, (0, 0), max(0.6, min(sw, sh) / float(rng.uniform(15, 60))))[..., None]
        picture = picture * (1 - alpha) + np.asarray(rng.integers(0, 256, 3), dtype=np.float32) * alpha
    picture = np.asarray(cv2.resize(picture, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32
                         ).reshape(h, w, 3)
    # Sharper shapes (a horizon, posts, window edges), softened like a lens would.
    for _ in range(round(rng.uniform(0, 4) * texture)):
        layer = np.zeros((h, w), np.float32)
        points = rng.integers(0, [w, h], (int(rng.integers(3, 6)), 2)).astype(np.int32)
        cv2.fillPoly(layer, [points], 1.0, cv2.LINE_AA)
        alpha = cv2.GaussianBlur(layer, (0, 0), 1.2)[..., None] * float(rng.uniform(0.3, 0.8))
        picture = picture * (1 - alpha) + np.asarray(rng.integers(0, 256, 3), dtype=np.float32) * alpha
    detail = (_noise(rng, size, max(1.5, min(w, h) / 60)) * 14 + _noise(rng, size, 1.0) * 5) * texture
    grain = rng.normal(0, 3 * texture, (h, w)).astype(np.float32)
    picture = picture + (detail + grain)[..., None]
    low, high = {"dark": (0.02, 0.09), "light": (0.55, 0.8)}[tone]
    target = float(rng.uniform(low, high))
    for _ in range(8):
        current = float(np.median(relative_luminance(np.clip(picture[::4, ::4], 0, 255))))
        if abs(current - target) < 0.01:
            break
        # Luminance is roughly a power of the code value, so a gain on that scale converges fast.
        if tone == "dark":
            picture = picture * (target / max(current, 1e-4)) ** (1 / 2.2)
        else:
            picture = 255 - (255 - picture) * ((1 - target) / max(1 - current, 1e-4)) ** (1 / 2.2)
    result: Image = np.clip(picture + 0.5, 0, 255).astype(np.uint8)
    return result


def busy_page(size: tuple[int, int], rng: np.random.Generator, dark: bool = False
              ) -> tuple[Image, tuple[int, int, int]]:
    """A layout page: columns of text, headings, coloured panels, rules and photo insets.

    Returns the page and its paper colour (what a compliant layout leaves around a mark).
    """
    import cv2

    w, h = size
    paper = colour_of_tone(rng, "dark" if dark else "white")
    ink = colour_of_tone(rng, "light" if dark else "dark")
    page = plain(size, paper)
    margin = max(8, w // 20)
    columns = int(rng.integers(1, 4))
    col_w = (w - 2 * margin) // columns
    for col in range(columns):
        x0 = margin + col * col_w
        y = margin
        while y < h - margin:
            block_h = int(rng.integers(h // 12 + 8, h // 4 + 12))
            kind = rng.choice(["text", "text", "text", "heading", "panel", "photo", "rule"])
            x1, y1 = x0 + col_w - margin // 2, min(h - margin, y + block_h)
            if y1 - y < 10:
                break
            if kind == "text":
                page = draw_text_block(page, (x0, y, x1, y1), ink, rng)
            elif kind == "heading":
                page = draw_text_block(page, (x0, y, x1, min(y1, y + 40)), colour_of_tone(rng, "dark"
                                       if not dark else "light"), rng, line_height=int(rng.integers(22, 40)))
                y1 = min(y1, y + 40)
            elif kind == "panel":
                cv2.rectangle(page, (x0, y), (x1, y1), tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
            elif kind == "photo":
                inset = photo((x1 - x0, y1 - y), rng, str(rng.choice(["dark", "light"])))
                page[y:y1, x0:x1] = inset
            else:
                cv2.line(page, (x0, y + 4), (x1, y + 4), ink, int(rng.integers(1, 4)))
                y1 = y + 10
            y = y1 + int(rng.integers(6, 20))
    return page, paper


@dataclass(frozen=True)
class Carrier:
    """A page of a real PDF that renders, parses and names no qualification."""

    path: Path
    page_index: int
    width_pt: float
    height_pt: float
    rotation: int

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}#{self.page_index + 1}"


def corpus_dir(repo_root: Path | None = None) -> Path:
    """The shared corpus folder, ``<repo root>/../shared/corpus``."""
    root = repo_root or Path(__file__).resolve().parents[2]
    return (root / ".." / "shared" / "corpus").resolve()


def _page_text_is_neutral(page: object) -> bool:
    try:
        text = page.extract_text()  # type: ignore[attr-defined]
    except Exception:  # a page whose text cannot be read is not a usable carrier
        return False
    return not _QN_LIKE.search(text or "")


def find_carriers(corpus: Path, rng: np.random.Generator, count: int, max_pages_per_file: int = 3
                  ) -> list[Carrier]:
    """Up to ``count`` usable pages from randomly chosen corpus PDFs.

    A usable page opens without a password in both pypdf and pypdfium2, has a
    size between A7 and A2, and its text holds nothing like a qualification
    number or an HTQ claim (which would change the expected findings).
    """
    import pypdf
    import pypdfium2 as pdfium

    if not corpus.is_dir():
        raise FileNotFoundError(f"{corpus}: the PDF corpus is missing; {CORPUS_ENV_HINT}")
    files = sorted(p for p in corpus.rglob("*.pdf") if p.is_file() and p.stat().st_size < 1_500_000)
    order = rng.permutation(len(files))
    carriers: list[Carrier] = []
    for index in order:
        if len(carriers) >= count:
            break
        path = files[int(index)]
        try:
            reader = pypdf.PdfReader(path)
            if reader.is_encrypted:
                continue
            document = pdfium.PdfDocument(str(path))
        except Exception:  # broken corpus files are skipped: they are carriers, not subjects
            continue
        try:
            pages = min(len(reader.pages), len(document), max_pages_per_file)
            for page_index in range(pages):
                page = reader.pages[page_index]
                box = page.cropbox
                width, height = float(box.width), float(box.height)
                rotation = int(page.get("/Rotate", 0) or 0) % 360
                if not (74 <= min(width, height) and max(width, height) <= 1700) or rotation % 90:
                    continue
                if not _page_text_is_neutral(page):
                    continue
                if rotation in (90, 270):
                    width, height = height, width
                carriers.append(Carrier(path, page_index, width, height, rotation))
                break
        except Exception:
            continue
        finally:
            document.close()
    return carriers


def render_carrier(carrier: Carrier, dpi: float) -> Image:
    """The carrier page as a viewer shows it (crop box, /Rotate applied), RGB at ``dpi``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(carrier.path))
    try:
        bitmap = document[carrier.page_index].render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
        image = bitmap.to_numpy()[..., :3]
        mode = bitmap.mode
    finally:
        document.close()
    if mode in ("BGR", "BGRA", "BGRX"):
        image = image[..., ::-1]
    return np.ascontiguousarray(image, dtype=np.uint8)
