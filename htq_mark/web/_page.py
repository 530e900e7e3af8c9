"""Scan one web page: ``scan_url(url, ...) -> DocumentResult``.

The page is fetched politely (see :mod:`htq_mark.web._session`), rendered in
headless Chromium at the desktop and the mobile viewport (pages 1 and 2, in
CSS px), and each full-page screenshot goes through the same detector, mark
rules and text rules as a document. A mark the detector finds is joined to the
DOM element showing it (its ``selector`` and ``src``); the DOM adds what pixels
cannot tell (clipping, intrinsic size, accessible name). A URL that answers
with a PDF or an image is scanned as that document, its URL as its path.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import InputError, UnreadableFileError, UsageError
from .._resolve import resolve_kit, resolve_register
from ..scanner._context import Collected, scan_date
from ..scanner._document import scan_document
from ..scanner._images import read_frames
from ..scanner._limits import DEFAULT_LIMITS, Limits
from ..scanner._ocr import OcrMode, check_ocr_mode
from ..scanner._marks import AGREE_STRETCH, sort_detections
from ..scanner._pdf.geometry import area, bounds
from ..scanner._results import DocumentError, DocumentResult, Mark, MarkSource, Note, PageInfo
from ..scanner._rules import MarkFacts, check_mark, check_page_qualifications
from ..scanner._rules.geometry import check_distorted, check_too_small
from ..scanner._sniff import MEDIA_TYPES, describe_unsupported, sniff
from ..scanner._text import read_text_facts
from ..scanner._thumbnails import thumbnail
from ._browser import VIEWPORTS, Browser, Rendering
from ._dom import PageElement
from ._pictures import on_backdrops
from ._rules import check_web_mark
from ._session import WebOptions, WebSession

if TYPE_CHECKING:
    from .._resolve import KitSource, RegisterSource
    from ..kit import Kit
    from ..register import Register
    from ..scanner._detect import Detection, References
    from ..scanner._detect.model import Pose

__all__ = ["PageScan", "WebScanner", "scan_url"]

# The types of the documents htq-mark reads (a link sent as one whose content is not one is damaged).
_DOCUMENT_TYPES = frozenset({*MEDIA_TYPES.values(),
                             # and the names servers also give them
                             "application/x-pdf", "image/jpg", "image/pjpeg", "image/x-png", "image/x-ms-bmp",
                             "image/x-bmp", "image/x-tiff"})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ACCEPT = "text/html,application/xhtml+xml,application/pdf,image/*;q=0.8,*/*;q=0.5"
# A detection belongs to an element when this share of it lies in the element's box, and it "is" the
# element's picture (not a mark baked into a larger one) when it covers this share of the visible box.
_INSIDE = 0.85
_IS_THE_PICTURE = 0.3
# Pictures the screenshot cannot judge (clipped, off-screen or too small to find) are fetched and
# searched themselves, this many per viewport at most; a file "is" the mark when the mark spans this
# share of its width.
_MAX_PICTURES_FETCHED = 10
_PICTURE_SECONDS = 10.0
_FILE_IS_THE_MARK = 0.6
_PICTURE_KINDS = ("img", "input", "object", "embed", "background")
# Pictures shaped like the artwork (within this share of its aspect) are tried as places of a mark,
# this many per viewport at most.
_HINT_ASPECT = 0.25
_MAX_HINTS = 20


@dataclass(frozen=True)
class PageScan:
    """A scanned page and the same-site links and documents found on it (for a crawl)."""

    result: DocumentResult
    links: tuple[str, ...] = ()


def _detect(rgb: Any, references: References, kit: Kit, hints: Sequence[Pose] = ()) -> list[Detection]:
    from ..scanner._detect import find_marks  # the detector loads NumPy and OpenCV on import

    spec = kit.spec
    found = find_marks(rgb, references, spec=spec, hints=hints)
    return sort_detections([d for d in found if d.confidence >= spec.scan.minimum_confidence])


def layout_hints(elements: Sequence[PageElement], aspect: float) -> list[Pose]:
    """Where the page lays out a picture shaped like the artwork, whole and untransformed: places the
    detector tries as well as those it finds itself (a mark on a busy photograph shows no clear outline)."""
    from ..scanner._detect.model import Pose

    hints = []
    for element in elements:
        x0, y0, x1, y1 = element.box
        width, height = x1 - x0, y1 - y0
        if element.kind not in _PICTURE_KINDS or element.transform not in ("none", "") or height <= 0 \
                or element.visible_fraction < 0.98 or abs(width / height / aspect - 1.0) > _HINT_ASPECT:
            continue
        hints.append(Pose(origin=(x0, y0), x_axis=(width, 0.0), y_axis=(0.0, height)))
    return hints[:_MAX_HINTS]


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def element_for(box: Sequence[float], elements: Sequence[PageElement]) -> PageElement | None:
    """The element whose picture is the mark in ``box``, or None for a mark baked into a larger picture."""
    own = area((box[0], box[1], box[2], box[3]))
    if own <= 0:
        return None
    holding = [e for e in elements
               if _overlap(box, e.box) >= _INSIDE * own and own >= _IS_THE_PICTURE * max(area(e.visible), 1e-9)]
    return min(holding, key=lambda e: area(e.box)) if holding else None


def _source(element: PageElement | None) -> MarkSource:
    if element is not None and (element.kind == "svg" or (element.src or "").lower().split("?")[0].endswith(".svg")):
        return "vector"
    return "raster"


def _dom_stretch(element: PageElement) -> float | None:
    """How much an ``img`` stretches its picture: rendered aspect over intrinsic aspect, minus 1."""
    natural_w, natural_h = element.natural
    x0, y0, x1, y1 = element.box
    if element.kind != "img" or element.object_fit not in ("fill", "") or natural_w <= 0 or natural_h <= 0 \
            or element.transform not in ("none", ""):
        return None
    return ((x1 - x0) / max(y1 - y0, 1e-9)) / (natural_w / natural_h) - 1.0


class WebScanner:
    """Scans web pages with one browser and one polite session; close it (or use ``with``) when done."""

    def __init__(self, *, kit: KitSource = None, register: RegisterSource = None,
                 on: datetime.date | str | None = None, limits: Limits = DEFAULT_LIMITS,
                 options: WebOptions | None = None, thumbnails: bool = False,
                 references: References | None = None, browser: Browser | None = None,
                 ocr: OcrMode = "auto") -> None:
        from ..scanner._detect import build_references  # the detector loads NumPy and OpenCV on import

        check_ocr_mode(ocr)
        self.ocr = ocr  # for documents fetched (a linked PDF or picture); a page's own text is its DOM's
        self.kit = resolve_kit(kit)
        self.register = resolve_register(register)
        self.on = scan_date(on)
        self.limits = limits
        self.options = options if options is not None else WebOptions()
        self.thumbnails = thumbnails
        self.references = references if references is not None else build_references(self.kit)
        self.session = WebSession(self.options)
        self.browser = browser if browser is not None else Browser()
        self._pictures: dict[str, tuple[Detection, float] | None] = {}

    def __enter__(self) -> WebScanner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the browser."""
        self.browser.close()

    def scan(self, url: str, name: str | None = None) -> PageScan:
        """Scan the page (or linked PDF or image) at ``url``; a page that cannot be scanned comes back as an error."""
        if not isinstance(url, str):
            raise UsageError(f"a web page is given by its address as text, such as 'https://host/path'; not "
                             f"{type(url).__name__}.")
        started = time.perf_counter()
        shown = name if name is not None else url
        final: str | None = None
        sha256: str | None = None
        out = Collected()
        try:
            answer = self.session.fetch(url, deadline=time.monotonic() + self.limits.max_page_seconds,
                                        max_bytes=self.limits.max_page_bytes, accept=_ACCEPT)
            final = answer.url
            sha256 = hashlib.sha256(answer.body).hexdigest()
            kind = sniff(answer.body[:1024])
            if kind != "unknown":
                document = scan_document(answer.body, kit=self.kit, register=self.register, on=self.on,
                                         limits=self.limits, thumbnails=self.thumbnails, name=shown,
                                         references=self.references, ocr=self.ocr)
                return PageScan(replace(document, url=final, elapsed_s=time.perf_counter() - started))
            if answer.content_type in _DOCUMENT_TYPES:
                raise UnreadableFileError(shown, f"was sent as {answer.content_type}, but what came is not a PDF "
                                                 "or a picture htq-mark reads (it is damaged, or another kind of "
                                                 "file); check the link.")
            if answer.content_type.startswith("image/"):  # an SVG, an AVIF, an icon: say what to do
                raise UnreadableFileError(shown, f"was sent as {answer.content_type}: "
                                                 f"{describe_unsupported(answer.body[:1024])}")
            if answer.content_type not in _HTML_TYPES:
                raise UnreadableFileError(shown, f"is not a web page or a document htq-mark reads (Content-Type "
                                                 f"{answer.content_type or 'missing'}); htq-mark reads HTML pages, "
                                                 "PDFs and pictures (PNG, JPEG, WebP, TIFF, GIF, BMP).")
            links: list[str] = []
            for number, viewport in enumerate(VIEWPORTS, start=1):
                rendering = self.browser.render(final, answer.body, answer.content_type, viewport, self.limits,
                                                allow_private=self.options.allow_private)
                self._judge(number, rendering, out)
                if number == 1:
                    links = [*rendering.navigations, *rendering.facts.links]
        except InputError as exc:
            return PageScan(DocumentResult(
                path=shown, sha256=sha256, type="web", status="error",
                error=DocumentError(code=exc.code, message=str(exc)),
                notes=tuple(out.notes), elapsed_s=time.perf_counter() - started, url=final))
        result = DocumentResult(path=shown, sha256=sha256, type="web", status="ok", pages=tuple(out.pages),
                                marks=tuple(out.marks), findings=tuple(out.findings), images=tuple(out.images),
                                notes=tuple(out.notes), elapsed_s=time.perf_counter() - started, url=final)
        return PageScan(result, tuple(links))

    def _judge(self, number: int, rendering: Rendering, out: Collected) -> None:
        spec = self.kit.spec
        viewport = rendering.viewport
        out.pages.append(PageInfo(number=number, width=float(viewport.width), height=float(rendering.height),
                                  unit="css-px"))
        out.notes.extend(Note("web-refused", f"{viewport.name}: refused {item}", page=number)
                         for item in rendering.refused)
        out.notes.extend(Note("web-navigation", f"{viewport.name}: the page tried to go to {target}; it was not "
                                                "followed", page=number) for target in rendering.navigations[:3])
        before = len(out.findings)
        page_marks: list[Mark] = []
        names: list[str] = []
        hints = layout_hints(rendering.facts.elements, self.references.aspect_ratio)
        for detection in _detect(rendering.rgb, self.references, self.kit, hints):
            box = bounds(detection.corners)
            element = element_for(box, rendering.facts.elements)
            detection = self._as_published(detection, element)
            aspect = float(detection.aspect_ratio_error)
            stretch = _dom_stretch(element) if element is not None else None
            if stretch is not None and abs(stretch - aspect) <= AGREE_STRETCH:
                aspect = stretch
            mark = Mark(id=out.next_mark_id(), page=number, bbox=box, variant=detection.variant,
                        confidence=float(detection.confidence), width_mm=None, width_px=float(detection.width_px),
                        rotation_deg=float(detection.rotation_deg), aspect_ratio_error=aspect,
                        source=_source(element),
                        selector=element.selector if element else None, src=element.src if element else None)
            out.marks.append(mark)
            page_marks.append(mark)
            facts = MarkFacts(mark=mark, detection=detection, unit="px", units_per_px=1.0, mm_per_px=None)
            found = check_mark(facts, spec)
            found += check_web_mark(facts, element, viewport.device_pixel_ratio, spec, found)
            out.findings.extend(found)
            if element is not None and element.accessible_name:
                names.append(element.accessible_name)
        for element, mark, detection in self._hidden_marks(rendering, page_marks, number, len(out.marks)):
            out.marks.append(mark)
            page_marks.append(mark)
            facts = MarkFacts(mark=mark, detection=detection, unit="px", units_per_px=1.0, mm_per_px=None)
            found = check_too_small(facts, spec) + check_distorted(facts, spec)
            found += check_web_mark(facts, element, viewport.device_pixel_ratio, spec, found)
            out.findings.extend(found)
            if element.accessible_name:
                names.append(element.accessible_name)
        text = read_text_facts("\n".join([rendering.facts.text, *names]))
        qualification = check_page_qualifications(number, text, page_marks, self.register, self.on,
                                                  lambda start, end: None)
        if number > 1:  # the words are the same at every viewport: claims without a mark count once
            qualification = [f for f in qualification if f.mark is not None]
        out.findings.extend(qualification)
        if self.thumbnails and (page_marks or len(out.findings) > before):
            out.images.append(thumbnail(rendering.rgb, number, float(viewport.width)))


    def _hidden_marks(self, rendering: Rendering, found: Sequence[Mark], number: int,
                      count: int) -> list[tuple[PageElement, Mark, Detection]]:
        """Marks the screenshot could not show whole: pictures clipped, off-screen, covered or too small to find.

        Each such picture is fetched (politely) and searched on its own; a picture
        that is the mark becomes a mark at the element's box.
        """
        spec = self.kit.spec
        shown = {m.selector for m in found if m.selector}
        smallest = float(spec.scan.minimum_detect_width_px)
        hidden_limit = spec.scan.cropped_max_hidden
        candidates = [e for e in rendering.facts.elements
                      if e.kind in _PICTURE_KINDS and e.src and e.selector not in shown
                      and (e.hidden_fraction > hidden_limit or e.box[2] - e.box[0] < smallest)]
        marks: list[tuple[PageElement, Mark, Detection]] = []
        for element in candidates[:_MAX_PICTURES_FETCHED]:
            assert element.src is not None
            picture = self._picture_mark(element.src)
            if picture is None:
                continue
            detection, file_width = picture
            shown_width = (element.box[2] - element.box[0]) * detection.width_px / file_width
            stretch = _dom_stretch(element)
            visible = element.visible if element.visible_fraction > 0 else element.box
            mark = Mark(id=f"m{count + len(marks) + 1}", page=number, bbox=visible, variant=detection.variant,
                        confidence=float(detection.confidence), width_mm=None, width_px=shown_width,
                        rotation_deg=float(detection.rotation_deg),
                        aspect_ratio_error=stretch if stretch is not None else float(detection.aspect_ratio_error),
                        source="raster", selector=element.selector, src=element.src)
            marks.append((element, mark, detection))
        return marks

    def _picture_mark(self, src: str) -> tuple[Detection, float] | None:
        """The mark a picture file is (its detection and the file's width), or None; remembered per URL."""
        if src in self._pictures:
            return self._pictures[src]
        self._pictures[src] = None
        try:
            answer = self.session.fetch(src, deadline=time.monotonic() + min(_PICTURE_SECONDS,
                                                                              self.limits.max_page_seconds),
                                        max_bytes=self.limits.max_page_bytes, accept="image/*")
            kind = sniff(answer.body[:1024])
            if kind in ("unknown", "pdf"):
                return None
            # A file cut tight around the artwork leaves the detector no edge to see it by: each has a margin.
            for padded, file_width in on_backdrops(answer.body, kind, src, self.limits):
                width = float(file_width)
                best = max(_detect(padded, self.references, self.kit), key=lambda d: d.width_px, default=None)
                if best is not None and best.width_px >= _FILE_IS_THE_MARK * width:
                    self._pictures[src] = (best, width)
                    break
        except InputError:
            return None
        return self._pictures[src]

    def _as_published(self, detection: Detection, element: PageElement | None) -> Detection:
        """The detection, judged against the picture file the element shows where the file tells more.

        Knock-outs over a photograph cannot be judged on the page; laid on a flat
        backdrop, the file can. And whatever lies over the artwork inside the file
        (a patch painted on it) is part of the artwork as published: an alteration,
        not content of the page covering the mark (the DOM tells what does that).
        Content of the page laid over a part looks like the part removed or painted over,
        so the parts of a mark the DOM says is covered are judged in its file only.
        """
        measured = detection.measurements
        if element is not None and element.covered > 0 and (measured.missing_part > 0 or measured.recoloured_part > 0):
            detection = replace(detection, measurements=replace(measured, missing_part=0.0, recoloured_part=0.0))
        if element is None or element.kind not in _PICTURE_KINDS or not element.src or _source(element) == "vector":
            return detection
        picture = self._picture_mark(element.src)
        if picture is None:
            return detection
        in_file = picture[0].measurements
        on_page = replace(detection.measurements,
                          missing_part=max(detection.measurements.missing_part, in_file.missing_part),
                          recoloured_part=max(detection.measurements.recoloured_part, in_file.recoloured_part))
        altered = min(1.0, in_file.altered_difference + in_file.covered_fraction)
        if altered <= on_page.altered_difference:
            return replace(detection, measurements=on_page)
        covered = max(0.0, on_page.covered_fraction - in_file.covered_fraction)
        return replace(detection, measurements=replace(
            on_page, altered_difference=altered, covered_fraction=covered,
            covered_side=on_page.covered_side if covered > 0 else None))


def scan_url(url: str, *, kit: KitSource = None, register: RegisterSource = None,
             on: datetime.date | str | None = None, limits: Limits = DEFAULT_LIMITS,
             options: WebOptions | None = None, thumbnails: bool = False,
             references: References | None = None, ocr: OcrMode = "auto") -> DocumentResult:
    """Scan one web page (rendered in headless Chromium) and return its marks and findings.

    ``kit`` and ``register`` are loaded objects or paths; None is the folder
    ``$HTQ_MARK_KIT`` names, else the bundled kit, and the file
    ``$HTQ_MARK_REGISTER`` names, else the built-in example register.

    ``options`` chooses how politely and where pages are fetched (see
    :class:`WebOptions`; private addresses are refused by default). A page that
    cannot be scanned comes back with status ``error`` (``blocked``,
    ``unreadable``, ``too-large`` or ``timeout``); without Chromium,
    :class:`~htq_mark.errors.BrowserUnavailableError` is raised. ``ocr`` says where
    text in pictures is read when the URL is a PDF or a picture (see
    :func:`~htq_mark.scan_document`); a page's own text comes from its DOM.
    """
    with WebScanner(kit=kit, register=register, on=on, limits=limits, options=options, thumbnails=thumbnails,
                    references=references, ocr=ocr) as scanner:
        return scanner.scan(url).result
