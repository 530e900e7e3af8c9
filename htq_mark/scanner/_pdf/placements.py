"""Where a page places images and forms: pypdf's view of the content stream.

Walks the page's content stream (and the forms it draws, recursively) keeping
the current transformation matrix, and records each image XObject, inline image
and form XObject with the matrix that places it. Size and nesting limits are
checked before work: an oversized stream, a form nested too deep or drawing
itself, or too many operators end the walk for that page with a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from .._reason import reason
from .geometry import IDENTITY, Matrix, Point, apply, bounds, concat, quad_measures

__all__ = ["Placement", "PlacementScan", "find_placements"]


@dataclass(frozen=True)
class Placement:
    """An image or form drawn on the page, placed by ``matrix`` into view space (points, y down).

    For images the matrix maps the unit square; for forms, the form's own
    space, whose /BBox is ``form_box``.
    """

    kind: Literal["image", "form"]
    name: str
    matrix: Matrix
    pixel_width: int | None = None
    pixel_height: int | None = None
    form_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)

    @property
    def corners(self) -> tuple[Point, Point, Point, Point]:
        """Top-left, top-right, bottom-right, bottom-left as placed (for images: of the picture)."""
        x0, y0, x1, y1 = self.form_box
        return (apply(self.matrix, (x0, y1)), apply(self.matrix, (x1, y1)),
                apply(self.matrix, (x1, y0)), apply(self.matrix, (x0, y0)))

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return bounds(self.corners)

    @property
    def size_pt(self) -> tuple[float, float]:
        width, height, _ = quad_measures(self.corners)
        return width, height

    @property
    def rotation_deg(self) -> float:
        return quad_measures(self.corners)[2]

    @property
    def stretch(self) -> float:
        """How much wider than its pixels' proportions the image is placed (0 = not stretched)."""
        width, height = self.size_pt
        if not (self.pixel_width and self.pixel_height) or height <= 0:
            return 0.0
        return (width / height) / (self.pixel_width / self.pixel_height) - 1.0

    @property
    def effective_ppi(self) -> float | None:
        """Image pixels per inch as placed (the smaller of the two directions)."""
        width, height = self.size_pt
        if not (self.pixel_width and self.pixel_height) or width <= 0 or height <= 0:
            return None
        return min(self.pixel_width / (width / 72.0), self.pixel_height / (height / 72.0))


@dataclass
class PlacementScan:
    """The placements found on a page and notes on anything not walked."""

    placements: list[Placement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _number(value: Any) -> float:
    result = float(value)
    if not math.isfinite(result):
        raise ValueError("not a finite number")
    return result


def _matrix(operands: Any) -> Matrix | None:
    try:
        values = [_number(v) for v in operands]
    except (TypeError, ValueError):
        return None
    if len(values) != 6:
        return None
    return (values[0], values[1], values[2], values[3], values[4], values[5])


def _int(value: Any) -> int | None:
    try:
        result = int(value)
    except (TypeError, ValueError):
        return None
    return result if result > 0 else None


class _Walker:
    def __init__(self, reader: Any, limits: Any, notes: list[str]) -> None:
        self.reader = reader
        self.limits = limits
        self.notes = notes
        self.operators = 0
        self.found: list[Placement] = []
        self.stopped = False

    def stop(self, note: str) -> None:
        if not self.stopped:
            self.notes.append(note)
        self.stopped = True

    def content_operations(self, content: Any) -> list[tuple[Any, bytes]]:
        from pypdf.generic import ContentStream

        data = content.get_data() if hasattr(content, "get_data") else b""
        if len(data) > self.limits.max_content_bytes:
            self.stop(f"a content stream of {len(data):,} bytes is over the "
                      f"{self.limits.max_content_bytes:,}-byte limit; its placements were not measured")
            return []
        stream = ContentStream(None, self.reader)
        stream.set_data(data)
        operations: list[tuple[Any, bytes]] = stream.operations
        return operations

    def walk(self, operations: list[tuple[Any, bytes]], resources: Any, base: Matrix,
             chain: tuple[int, ...]) -> None:
        ctm = base
        stack: list[Matrix] = []
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        for operands, operator in operations:
            if self.stopped:
                return
            self.operators += 1
            if self.operators > self.limits.max_operators:
                self.stop(f"more than {self.limits.max_operators:,} drawing operators; "
                          "placements after that were not measured")
                return
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop() if stack else base
            elif operator == b"cm":
                matrix = _matrix(operands)
                if matrix is not None:
                    ctm = concat(matrix, ctm)
            elif operator == b"INLINE IMAGE":
                settings = operands.get("settings", {}) if isinstance(operands, dict) else {}
                self.found.append(Placement(
                    kind="image", name="inline image", matrix=ctm,
                    pixel_width=_int(settings.get("/W", settings.get("/Width"))),
                    pixel_height=_int(settings.get("/H", settings.get("/Height")))))
            elif operator == b"Do" and operands and xobjects is not None:
                self.draw(str(operands[0]), xobjects, resources, ctm, chain)

    def draw(self, name: str, xobjects: Any, resources: Any, ctm: Matrix, chain: tuple[int, ...]) -> None:
        reference = xobjects.raw_get(name) if hasattr(xobjects, "raw_get") else None
        xobject = xobjects.get(name)
        if xobject is None:
            return
        xobject = xobject.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self.found.append(Placement(kind="image", name=name, matrix=ctm,
                                        pixel_width=_int(xobject.get("/Width")),
                                        pixel_height=_int(xobject.get("/Height"))))
            return
        if subtype != "/Form":
            return
        identity = getattr(reference, "idnum", None)
        if identity is not None and identity in chain:
            self.stop(f"the form {name} draws itself (a cycle); it was not followed")
            return
        if len(chain) >= self.limits.max_form_depth:
            self.stop(f"forms are nested more than {self.limits.max_form_depth} deep; "
                      "deeper forms were not measured")
            return
        matrix = _matrix(xobject.get("/Matrix", IDENTITY)) or IDENTITY
        placed = concat(matrix, ctm)
        box = xobject.get("/BBox")
        try:
            form_box = bounds([(_number(box[0]), _number(box[1])), (_number(box[2]), _number(box[3]))])
        except (TypeError, ValueError, IndexError, KeyError):
            form_box = (0.0, 0.0, 0.0, 0.0)
        self.found.append(Placement(kind="form", name=name, matrix=placed, form_box=form_box))
        inner = xobject.get("/Resources")
        inner_resources = inner.get_object() if inner is not None else resources
        self.walk(self.content_operations(xobject), inner_resources, placed,
                  chain + ((identity if identity is not None else -len(chain) - 1),))


def find_placements(reader: Any, page_index: int, view: Matrix, limits: Any) -> PlacementScan:
    """Every image and form the page draws, placed in view space; problems become notes."""
    result = PlacementScan()
    walker = _Walker(reader, limits, result.notes)
    try:
        page = reader.pages[page_index]
        contents = page.get_contents()
        if contents is None:
            return result
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        walker.walk(walker.content_operations(contents), resources, view, ())
    except RecursionError:
        result.notes.append("the page's structure is nested too deeply to measure placements")
    except MemoryError:
        result.notes.append("the page's structure is too large to measure placements")
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged streams; placements are optional
        result.notes.append(f"placements could not be measured ({type(exc).__name__}: {reason(exc)})")
    result.placements.extend(walker.found)
    return result
