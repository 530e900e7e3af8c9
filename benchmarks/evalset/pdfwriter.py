"""A one-page PDF drawn in the page's display coordinates, merged onto a base page with pypdf.

Layers are given as a viewer shows the page (points, origin top-left, y down).
Rectangles, polygons, text and images go into small overlay pages written here
byte by byte (deterministic, no dates or IDs); vector marks are cairosvg's PDF
of the artwork. Each overlay is merged onto the base page (blank, or a page of
a real PDF) with ``merge_transformed_page`` and the matrix that undoes the
page's crop-box offset and ``/Rotate``.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from htq_mark.kit import render_svg
from htq_mark.kit._svg_safety import SvgGeometry

from .compose import Point, Pose

__all__ = ["PageBuilder", "display_to_user", "matrix_tuple"]

Matrix = NDArray[np.float64]


def matrix_tuple(m: Matrix) -> tuple[float, float, float, float, float, float]:
    """A 3x3 affine (column vectors) as PDF's (a, b, c, d, e, f)."""
    return float(m[0, 0]), float(m[1, 0]), float(m[0, 1]), float(m[1, 1]), float(m[0, 2]), float(m[1, 2])


def display_to_user(crop: Sequence[float], rotation: int) -> Matrix:
    """Matrix from display space (points, origin bottom-left of the page as shown, y up) to user space.

    ``crop`` is the crop box (x0, y0, x1, y1); ``rotation`` the page's /Rotate
    (clockwise, a multiple of 90).
    """
    x0, y0, x1, y1 = crop
    table = {0: (1, 0, 0, 1, x0, y0), 90: (0, 1, -1, 0, x1, y0),
             180: (-1, 0, 0, -1, x1, y1), 270: (0, -1, 1, 0, x0, y1)}
    a, b, c, d, e, f = table[rotation % 360]
    return np.array([[a, c, e], [b, d, f], [0, 0, 1]], dtype=np.float64)


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pdf_string(text: str) -> str:
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


@dataclass(frozen=True)
class _Image:
    width: int
    height: int
    data: bytes
    filter: str
    colour_space: str
    alpha: bytes | None = None


@dataclass
class _Overlay:
    """Content for one overlay page: operators, and the images they draw."""

    ops: list[str] = field(default_factory=list)
    images: list[_Image] = field(default_factory=list)


@dataclass
class PageBuilder:
    """Collects what to draw on a page of ``width`` x ``height`` points (as displayed)."""

    width: float
    height: float
    _layers: list[_Overlay | tuple[bytes, Matrix]] = field(default_factory=list)

    def _overlay(self) -> _Overlay:
        if not self._layers or not isinstance(self._layers[-1], _Overlay):
            self._layers.append(_Overlay())
        last = self._layers[-1]
        assert isinstance(last, _Overlay)
        return last

    def _y(self, y: float) -> float:
        return self.height - y

    def polygon(self, points: Sequence[Point], rgb: Sequence[int]) -> None:
        """A filled polygon in ``rgb`` (0-255)."""
        r, g, b = (c / 255 for c in rgb)
        self._overlay().ops.append(f"q {_num(r)} {_num(g)} {_num(b)} rg {self._path(points)} f Q")

    def rect(self, box: Sequence[float], rgb: Sequence[int]) -> None:
        """A filled rectangle; ``box`` is (x0, y0, x1, y1) top-left based."""
        x0, y0, x1, y1 = box
        self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], rgb)

    def text(self, x: float, baseline: float, size: float, text: str, rgb: Sequence[int] = (0, 0, 0),
             bold: bool = False) -> None:
        """One line of Helvetica text starting at (x, baseline)."""
        r, g, b = (c / 255 for c in rgb)
        font = "/F2" if bold else "/F1"
        self._overlay().ops.append(
            f"q {_num(r)} {_num(g)} {_num(b)} rg BT {font} {_num(size)} Tf {_num(x)} {_num(self._y(baseline))} Td "
            f"{_pdf_string(text)} Tj ET Q")

    def _path(self, points: Sequence[Point]) -> str:
        path = [f"{_num(points[0][0])} {_num(self._y(points[0][1]))} m"]
        return " ".join(path + [f"{_num(x)} {_num(self._y(y))} l" for x, y in points[1:]]) + " h"

    def image(self, pixels: NDArray[np.uint8], corners: Sequence[Point], alpha: NDArray[np.uint8] | None = None,
              jpeg_quality: int | None = None, clip: Sequence[Point] | None = None) -> None:
        """An RGB image placed so its top-left, top-right, bottom-right, bottom-left land on ``corners``
        (shown only inside the polygon ``clip``, when given: a frame smaller than the image)."""
        h, w = pixels.shape[:2]
        if jpeg_quality is not None:
            from PIL import Image as PILImage

            buffer = io.BytesIO()
            PILImage.fromarray(pixels, "RGB").save(buffer, "JPEG", quality=jpeg_quality)
            data, filt = buffer.getvalue(), "/DCTDecode"
        else:
            data, filt = zlib.compress(np.ascontiguousarray(pixels).tobytes(), 6), "/FlateDecode"
        mask = None if alpha is None else zlib.compress(np.ascontiguousarray(alpha).tobytes(), 6)
        overlay = self._overlay()
        name = f"/Im{len(overlay.images)}"
        overlay.images.append(_Image(w, h, data, filt, "/DeviceRGB", mask))
        tl, _, br, bl = ((x, self._y(y)) for x, y in corners)
        a, b = br[0] - bl[0], br[1] - bl[1]
        c, d = tl[0] - bl[0], tl[1] - bl[1]
        clipping = "" if clip is None else f"{self._path(clip)} W n "
        overlay.ops.append(f"q {clipping}{_num(a)} {_num(b)} {_num(c)} {_num(d)} {_num(bl[0])} {_num(bl[1])} cm "
                           f"{name} Do Q")

    def vector_mark(self, svg: bytes, geometry: SvgGeometry, pose: Pose,
                    window: tuple[float, float, float, float] | None = None) -> None:
        """The artwork drawn as vector paths (cairosvg's PDF of it) with ``pose`` in page points; shown
        only inside ``window`` (x0, y0, x1, y1 in the artwork's placed frame, y down) when given."""
        stamp_px = 640.0
        stamp = render_svg(svg, to="pdf", width=stamp_px)
        aspect = geometry.width / geometry.height
        stamp_w, stamp_h = stamp_px * 0.75, stamp_px * 0.75 / aspect
        placed_w, placed_h = pose.size(aspect)
        # stamp space (y up) -> the artwork's own box (y down) -> page (y down) -> display (y up)
        to_local = np.array([[placed_w / stamp_w, 0, 0], [0, -placed_h / stamp_h, placed_h], [0, 0, 1]])
        to_page = np.vstack([pose.local_to_canvas(aspect), [0, 0, 1]])
        flip = np.array([[1, 0, 0], [0, -1, self.height], [0, 0, 1]])
        if window is not None:  # the window in the stamp's own space
            x0, y0, x1, y1 = window
            sx, sy = stamp_w / placed_w, stamp_h / placed_h
            stamp = _clipped(stamp, f"{_num(x0 * sx)} {_num((placed_h - y1) * sy)} {_num((x1 - x0) * sx)} "
                                    f"{_num((y1 - y0) * sy)} re W n")
        self._layers.append((stamp, flip @ to_page @ to_local))

    def merge_onto(self, base: object, to_user: Matrix) -> None:
        """Merge every layer, in order, onto the pypdf page ``base``."""
        import pypdf

        for layer in self._layers:
            if isinstance(layer, _Overlay):
                page = pypdf.PdfReader(io.BytesIO(_overlay_pdf(self.width, self.height, layer))).pages[0]
                matrix = to_user
            else:
                stamp, placement = layer
                page = pypdf.PdfReader(io.BytesIO(stamp)).pages[0]
                matrix = to_user @ placement
            base.merge_transformed_page(page, matrix_tuple(matrix))  # type: ignore[attr-defined]

    def build(self, carrier: tuple[Path, int] | None = None) -> bytes:
        """The finished one-page PDF: a blank page, or page ``index`` of ``path``, with the layers."""
        import pypdf

        writer = pypdf.PdfWriter()
        if carrier is None:
            base = writer.add_blank_page(self.width, self.height)
            to_user = display_to_user((0, 0, self.width, self.height), 0)
        else:
            path, index = carrier
            reader = pypdf.PdfReader(path)
            base = writer.add_page(reader.pages[index])
            box = base.cropbox
            rotation = int(base.get("/Rotate", 0) or 0) % 360
            to_user = display_to_user((float(box.left), float(box.bottom), float(box.right), float(box.top)),
                                      rotation)
        self.merge_onto(base, to_user)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()


def _clipped(pdf: bytes, clip: str) -> bytes:
    """A one-page PDF whose page draws only inside the clipping path ``clip`` (operators, user space)."""
    import pypdf
    from pypdf.generic import DecodedStreamObject

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    contents = reader.pages[0].get_contents()
    drawn = contents.get_data() if contents is not None else b""
    writer = pypdf.PdfWriter(clone_from=reader)
    stream = DecodedStreamObject()
    stream.set_data(f"q {clip}\n".encode() + drawn + b"\nQ")
    writer.pages[0].replace_contents(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _overlay_pdf(width: float, height: float, overlay: _Overlay) -> bytes:
    """A minimal one-page PDF holding ``overlay`` (fonts: /F1 Helvetica, /F2 Helvetica-Bold)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(dictionary: str, data: bytes) -> bytes:
        return f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"

    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    add(b"")  # the page, filled in below once the other numbers are known
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    names = []
    for index, image in enumerate(overlay.images):
        smask = ""
        if image.alpha is not None:
            mask = add(stream(f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
                              "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", image.alpha))
            smask = f" /SMask {mask} 0 R"
        number = add(stream(f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
                            f"/ColorSpace {image.colour_space} /BitsPerComponent 8 /Filter {image.filter}{smask}",
                            image.data))
        names.append(f"/Im{index} {number} 0 R")
    content = add(stream("/Filter /FlateDecode", zlib.compress("\n".join(overlay.ops).encode("latin-1"), 6)))
    objects[2] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(width)} {_num(height)}] "
                  f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R >> /XObject << {' '.join(names)} >> >> "
                  f"/Contents {content} 0 R >>").encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
