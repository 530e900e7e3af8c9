"""Seeds for the fuzzer: real PDFs from the shared corpus and documents made here with the mark.

The generated seeds are deterministic (no dates, no randomness), so a run's
inputs depend only on the corpus, the kit and the seed number.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["Seed", "corpus_seeds", "default_corpus", "evalset_seeds", "generated_seeds"]

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Seed:
    """One starting document: a name for reports and its bytes."""

    name: str
    data: bytes


def default_corpus() -> Path:
    """``<repo>/../shared/corpus``: the real PDFs shared by the project's tests."""
    return REPO_ROOT.parent / "shared" / "corpus"


def _page_count(data: bytes) -> int | None:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception:  # noqa: BLE001 - damaged or encrypted seeds are kept: they are good fuzz material
        return None
    try:
        return len(document)
    finally:
        document.close()


def corpus_seeds(corpus: Path, *, max_pages: int = 4, max_bytes: int = 1024 * 1024) -> list[Seed]:
    """The corpus PDFs of at most ``max_pages`` pages and ``max_bytes`` (damaged ones included)."""
    if not corpus.is_dir():
        raise SystemExit(f"fuzz: the corpus folder {corpus} does not exist; pass --corpus DIR "
                         "(the real PDFs shared by the project, usually ../shared/corpus).")
    seeds = []
    for path in sorted(corpus.rglob("*.pdf")):
        data = path.read_bytes()
        if not data or len(data) > max_bytes:
            continue
        pages = _page_count(data)
        if pages is not None and pages > max_pages:
            continue
        seeds.append(Seed(f"corpus/{path.relative_to(corpus)}", data))
    if not seeds:
        raise SystemExit(f"fuzz: no PDFs found under {corpus}.")
    return seeds


def evalset_seeds(folder: Path, *, max_bytes: int = 1024 * 1024) -> list[Seed]:
    """Files of a generated evaluation set (``python -m benchmarks.evalset.generate``)."""
    seeds = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".webp", ".bmp"):
            data = path.read_bytes()
            if 0 < len(data) <= max_bytes:
                seeds.append(Seed(f"evalset/{path.relative_to(folder)}", data))
    return seeds


def _mark_rgba(width: int) -> Image.Image:
    from PIL import Image

    from htq_mark.kit import load_kit, render_svg

    png = render_svg(load_kit().artwork["colour"].svg, to="png", width=width)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def _picture(size: tuple[int, int], mark_width: int, at: tuple[int, int]) -> Image.Image:
    from PIL import Image, ImageDraw

    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for row in range(0, size[1], 37):  # some lines of "text" so the page is not blank
        draw.rectangle((20, row + 10, size[0] - 20, row + 16), fill=(60, 60, 60, 255))
    mark = _mark_rgba(mark_width)
    canvas.alpha_composite(mark, at)
    return canvas.convert("RGB")


def _encode(picture: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def _pdf(objects: dict[int, bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def _page_pdf_with_image(picture: Image.Image, text: bytes) -> bytes:
    """An A4 page placing ``picture`` as a Flate image, with a line of Helvetica text."""
    width, height = picture.size
    pixels = picture.tobytes()
    shown_w = 220.0
    shown_h = shown_w * height / width
    content = (b"q %.2f 0 0 %.2f 60 %.2f cm /Im0 Do Q\nBT /F1 12 Tf 60 120 Td (%s) Tj ET\n"
               % (shown_w, shown_h, 800 - shown_h, text))
    return _pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /XObject << /Im0 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        4: _stream(b"/Filter /FlateDecode", zlib.compress(content)),
        5: _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                   b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height), zlib.compress(pixels)),
        6: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    })


def _vector_mark_pdf() -> bytes:
    """The artwork drawn as vectors by cairo, with its creation date fixed."""
    from htq_mark.kit import load_kit, render_svg

    data = render_svg(load_kit().artwork["colour"].svg, to="pdf", width=170)
    return re.sub(rb"\(D:\d+Z?\)", b"(D:20000101000000Z)", data)


def generated_seeds() -> list[Seed]:
    """PNG, JPEG, TIFF, GIF, WebP and BMP pictures and PDFs, each carrying the mark."""
    picture = _picture((640, 420), 260, (120, 90))
    small = picture.resize((320, 210))
    frames = [small, small.rotate(90, expand=True)]
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    gif = io.BytesIO()
    paletted = [f.quantize(colors=64) for f in frames]
    paletted[0].save(gif, "GIF", save_all=True, append_images=paletted[1:], duration=100, loop=0)
    return [
        Seed("generated/mark.png", _encode(picture, "PNG")),
        Seed("generated/mark.jpg", _encode(picture, "JPEG", quality=85)),
        Seed("generated/mark-progressive.jpg", _encode(small, "JPEG", quality=70, progressive=True)),
        Seed("generated/mark.tif", tiff.getvalue()),
        Seed("generated/mark.gif", gif.getvalue()),
        Seed("generated/mark.webp", _encode(small, "WEBP", quality=80)),
        Seed("generated/mark.bmp", _encode(small.resize((160, 105)), "BMP")),
        Seed("generated/page-image.pdf", _page_pdf_with_image(
            small, b"Higher Technical Qualification 603/7595/4 Level 5")),
        Seed("generated/mark-vector.pdf", _vector_mark_pdf()),
    ]
