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

from ..errors import InputError, UnreadableFileError
from ..scanner._document import _as_date, _Collected, _thumbnail, scan_document
from ..scanner._limits import DEFAULT_LIMITS, Limits
from ..scanner._pdf.geometry import area, bounds
from ..scanner._results import DocumentError, DocumentResult, Mark, Note, PageInfo
from ..scanner._sniff import sniff
from ..scanner._text import read_text_facts
from ._browser import VIEWPORTS, Browser, Rendering
from ._dom import PageElement
from ._rules import check_web_mark
from ._session import WebOptions, WebSession

if TYPE_CHECKING:
    from ..kit import Kit
    from ..register import Register
    from ..scanner._detect import Detection, References

__all__ = ["PageScan", "WebScanner", "scan_url"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ACCEPT = "text/html,application/xhtml+xml,application/pdf,image/*;q=0.8,*/*;q=0.5"
# A detection belongs to an element when this share of it lies in the element's box, and it "is" the
# element's picture (not a mark baked into a larger one) when it covers this share of the visible box.
_INSIDE = 0.85
_IS_THE_PICTURE = 0.3
# DOM measurements replace pixel ones only when they agree this closely.
_AGREE_STRETCH = 0.03
# Pictures the screenshot cannot judge (clipped, off-screen or too small to find) are fetched and
# searched themselves, this many per viewport at most; a file "is" the mark when the mark spans this
# share of its width.
_MAX_PICTURES_FETCHED = 10
_PICTURE_SECONDS = 10.0
_FILE_IS_THE_MARK = 0.6
_PICTURE_KINDS = ("img", "input", "object", "embed", "background")


@dataclass(frozen=True)
class PageScan:
    """A scanned page and the same-site links and documents found on it (for a crawl)."""

    result: DocumentResult
    links: tuple[str, ...] = ()


def _detect(rgb: Any, references: References, kit: Kit) -> list[Detection]:
    from ..scanner._detect import find_marks
    from ..scanner._marks import sort_detections

    spec = kit.spec
    found = find_marks(rgb, references, spec=spec)
    return sort_detections([d for d in found if d.confidence >= spec.scan.minimum_confidence])


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


def _source(element: PageElement | None) -> str:
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

    def __init__(self, *, kit: Kit | None = None, register: Register | None = None,
                 on: datetime.date | str | None = None, limits: Limits = DEFAULT_LIMITS,
                 options: WebOptions | None = None, thumbnails: bool = False,
                 references: References | None = None, browser: Browser | None = None) -> None:
        from ..kit import load_kit
        from ..register import default_register
        from ..scanner._detect import build_references

        self.kit = kit if kit is not None else load_kit()
        self.register = register if register is not None else default_register()
        self.on = _as_date(on)
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
        started = time.perf_counter()
        shown = name if name is not None else url
        final: str | None = None
        sha256: str | None = None
        out = _Collected()
        try:
            answer = self.session.fetch(url, deadline=time.monotonic() + self.limits.max_page_seconds,
                                        max_bytes=self.limits.max_page_bytes, accept=_ACCEPT)
            final = answer.url
            sha256 = hashlib.sha256(answer.body).hexdigest()
            kind = sniff(answer.body[:1024])
            if kind != "unknown":
                document = scan_document(answer.body, kit=self.kit, register=self.register, on=self.on,
                                         limits=self.limits, thumbnails=self.thumbnails, name=shown,
                                         references=self.references)
                return PageScan(replace(document, url=final, elapsed_s=time.perf_counter() - started))
            if answer.content_type not in _HTML_TYPES:
                raise UnreadableFileError(shown, f"is not a web page or a document htq-mark reads (Content-Type "
                                                 f"{answer.content_type or 'missing'}).")
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
                error=DocumentError(code=exc.code, message=str(exc)),  # type: ignore[arg-type]
                notes=tuple(out.notes), elapsed_s=time.perf_counter() - started, url=final))
        result = DocumentResult(path=shown, sha256=sha256, type="web", status="ok", pages=tuple(out.pages),
                                marks=tuple(out.marks), findings=tuple(out.findings), images=tuple(out.images),
                                notes=tuple(out.notes), elapsed_s=time.perf_counter() - started, url=final)
        return PageScan(result, tuple(links))

    def _judge(self, number: int, rendering: Rendering, out: _Collected) -> None:
        from ..scanner._rules import MarkFacts, check_mark, check_page_qualifications
        from ..scanner._rules.geometry import check_distorted, check_too_small

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
        for detection in _detect(rendering.rgb, self.references, self.kit):
            box = bounds(detection.corners)
            element = element_for(box, rendering.facts.elements)
            aspect = float(detection.aspect_ratio_error)
            stretch = _dom_stretch(element) if element is not None else None
            if stretch is not None and abs(stretch - aspect) <= _AGREE_STRETCH:
                aspect = stretch
            mark = Mark(id=out.next_mark_id(), page=number, bbox=box, variant=detection.variant,
                        confidence=float(detection.confidence), width_mm=None, width_px=float(detection.width_px),
                        rotation_deg=float(detection.rotation_deg), aspect_ratio_error=aspect,
                        source=_source(element),  # type: ignore[arg-type]
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
            out.images.append(_thumbnail(rendering.rgb, number, float(viewport.width)))


    def _hidden_marks(self, rendering: Rendering, found: Sequence[Mark], number: int,
                      count: int) -> list[tuple[PageElement, Mark, Detection]]:
        """Marks the screenshot could not show whole: pictures clipped, off-screen or too small to find.

        Each such picture is fetched (politely) and searched on its own; a picture
        that is the mark becomes a mark at the element's box.
        """
        spec = self.kit.spec
        shown = {m.selector for m in found if m.selector}
        smallest = float(spec.scan.minimum_detect_width_px)
        hidden_limit = spec.scan.cropped_max_hidden
        candidates = [e for e in rendering.facts.elements
                      if e.kind in _PICTURE_KINDS and e.src and e.selector not in shown
                      and (e.visible_fraction < 1.0 - hidden_limit or e.box[2] - e.box[0] < smallest)]
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
        from ..scanner._images import read_frames

        self._pictures[src] = None
        try:
            answer = self.session.fetch(src, deadline=time.monotonic() + min(_PICTURE_SECONDS,
                                                                              self.limits.max_page_seconds),
                                        max_bytes=self.limits.max_page_bytes, accept="image/*")
            kind = sniff(answer.body[:1024])
            if kind in ("unknown", "pdf"):
                return None
            frame = next(iter(read_frames(answer.body, kind, src, self.limits)))
        except (InputError, StopIteration):
            return None
        import numpy as np

        width = float(frame.rgb.shape[1])
        # A file cut tight around the artwork leaves the detector no edge to see it by: give it a margin.
        margin = max(8, int(width * 0.25))
        padded = np.pad(frame.rgb, ((margin, margin), (margin, margin), (0, 0)), constant_values=255)
        best = max(_detect(padded, self.references, self.kit), key=lambda d: d.width_px, default=None)
        if best is not None and best.width_px >= _FILE_IS_THE_MARK * width:
            self._pictures[src] = (best, width)
        return self._pictures[src]


def scan_url(url: str, *, kit: Kit | None = None, register: Register | None = None,
             on: datetime.date | str | None = None, limits: Limits = DEFAULT_LIMITS,
             options: WebOptions | None = None, thumbnails: bool = False,
             references: References | None = None) -> DocumentResult:
    """Scan one web page (rendered in headless Chromium) and return its marks and findings.

    ``options`` chooses how politely and where pages are fetched (see
    :class:`WebOptions`; private addresses are refused by default). A page that
    cannot be scanned comes back with status ``error`` (``blocked``,
    ``unreadable``, ``too-large`` or ``timeout``); without Chromium,
    :class:`~htq_mark.errors.BrowserUnavailableError` is raised.
    """
    with WebScanner(kit=kit, register=register, on=on, limits=limits, options=options, thumbnails=thumbnails,
                    references=references) as scanner:
        return scanner.scan(url).result
