"""The image loop: search each frame of a PNG, JPEG, WebP, TIFF or GIF and judge what is found."""

from __future__ import annotations

from ._context import Collected, ScanContext
from ._images import read_frames
from ._marks import image_mark
from ._picture import find_in_picture, read_picture_text, wants_ocr
from ._results import Mark, PageInfo
from ._rules import MarkFacts, check_mark, check_page_qualifications
from ._text import read_text_facts
from ._thumbnails import thumbnail

__all__ = ["scan_image"]


def scan_image(data: bytes, kind: str, context: ScanContext, out: Collected) -> None:
    """Scan every frame of an image file of ``kind`` into ``out``."""
    for frame in read_frames(data, kind, context.name, context.limits):
        context.check_time()
        height, width = frame.rgb.shape[:2]
        out.pages.append(PageInfo(number=frame.number, width=float(width), height=float(height), unit="px"))
        before = len(out.findings)
        pixels = frame.rgb
        found = find_in_picture(pixels, context)
        dark = None if found or frame.over_black is None else frame.over_black()
        if dark is not None:  # nothing over white: a white mark on a transparent background is found over black
            found = find_in_picture(dark, context)
            pixels = dark if found else pixels
        frame_marks: list[Mark] = []
        for detection in found:
            mark = image_mark(detection, out.next_mark_id(), frame.number)
            out.marks.append(mark)
            frame_marks.append(mark)
            out.findings.extend(check_mark(
                MarkFacts(mark=mark, detection=detection, unit="px", units_per_px=1.0, mm_per_px=None),
                context.kit.spec))
        if wants_ocr(context.ocr, bool(found), has_text=False):
            read = read_picture_text(pixels, out)
            if read is not None:
                # An image has no text layer to say for sure that no number is named: only what is read counts.
                out.findings.extend(check_page_qualifications(frame.number, read_text_facts(read.text), frame_marks,
                                                              context.register, context.on, read.box,
                                                              absence_counts=False))
        if context.thumbnails and (found or len(out.findings) > before):
            out.images.append(thumbnail(pixels, frame.number, float(width)))
