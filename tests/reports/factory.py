"""ScanReports built by code for the report tests: every rule, errors, hostile text.

Nothing here scans anything; the documents are made by hand so each report
format can be tested on exactly known content.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from htq_mark.scanner._results import (
    RULES,
    DocumentError,
    DocumentResult,
    Finding,
    Mark,
    Note,
    PageImage,
    PageInfo,
    ScanReport,
    ScanSettings,
)

KIT = {"name": "htq-mark default kit", "version": "1.0.0", "sha256": "a" * 64, "source": "bundled"}
REGISTER = {"source": "embedded", "sha256": "b" * 64, "as_of": "2026-11-01", "qualifications": 123}
A4 = (595.28, 841.89)

# Payloads that try to run script or restyle the page if any report format
# ever lets them through as markup. Each one, if it ran, would set
# window.__pwned, change document.title or add an element with id "pwned".
SCRIPT_TAG = "<script>window.__pwned=1;document.title='pwned'</script>"
IMG_ONERROR = "\"><img src=x onerror=\"window.__pwned=2;document.title='pwned'\">"
SVG_ONLOAD = "<svg onload=\"window.__pwned=3\"><circle r=9></circle></svg>"
JS_URL = "javascript:window.__pwned=4"
STYLE_BREAK = "</style><script>window.__pwned=5</script><style>"
TABLE_BREAK = ("</code></td></tr></tbody></table></section><div id=\"pwned\">owned</div>"
               "<script>window.__pwned=6</script>")
ATTR_BREAK = "' onmouseover='window.__pwned=7' data-x='"
TEMPLATE = "{{constructor.constructor('window.__pwned=8')()}}"
DOUBLE_ESCAPED = "&lt;script&gt;window.__pwned=9&lt;/script&gt;"
REMOTE = "https://example.invalid/track.png"
CONTROL = "evil\x1b[31mred\x00nul\rcr\nnewline\u2028separator\u202efdp.exe"
UNICODE = "Prospectus 2026 – Café naïve 🎓 日本語"
SURROGATE = "bad-\udcff-name"
HOSTILE_STRINGS = (SCRIPT_TAG, IMG_ONERROR, SVG_ONLOAD, JS_URL, STYLE_BREAK, TABLE_BREAK, ATTR_BREAK,
                   TEMPLATE, DOUBLE_ESCAPED, REMOTE, UNICODE)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def page_png(width: int, height: int, boxes: Sequence[tuple[float, float, float, float]] = (),
             colour: tuple[int, int, int] = (11, 37, 69)) -> bytes:
    """A small page picture: white, a few grey text lines, and filled boxes where marks are."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for y in range(height // 10, height - height // 10, max(4, height // 25)):
        draw.line((width // 10, y, width - width // 10, y), fill=(190, 190, 190), width=1)
    for box in boxes:
        draw.rectangle(box, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _finding(rule: str, page: int, mark: str | None, bbox: tuple[float, float, float, float] | None,
             severity: str | None = None, message: str | None = None, fix: str | None = "default",
             **details: object) -> Finding:
    return Finding(
        rule=rule, severity=severity or RULES[rule][0], page=page, mark=mark, bbox=bbox,  # type: ignore[arg-type]
        message=message or f"{rule} measured 9.4 mm; the limit is 25 mm.",
        fix=(f"Run htq-mark generate --variant colour --width 25mm --format pdf to fix {rule}."
             if fix == "default" else fix),
        details=details,
    )


def pdf_document(path: str = "brochures/prospectus.pdf", *, with_images: bool = True) -> DocumentResult:
    """A two-page PDF with three marks and a finding of every rule."""
    m1 = Mark(id="m1", page=1, bbox=(56.0, 700.1, 198.3, 756.9), variant="colour", confidence=0.97,
              width_mm=50.2, width_px=None, rotation_deg=0.0, aspect_ratio_error=0.003, source="vector")
    m2 = Mark(id="m2", page=2, bbox=(300.0, 100.0, 326.6, 110.6), variant=None, confidence=0.81,
              width_mm=9.4, width_px=None, rotation_deg=12.5, aspect_ratio_error=0.21, source="image-xobject")
    m3 = Mark(id="m3", page=2, bbox=(560.0, 780.0, 640.0, 812.0), variant="white", confidence=0.7,
              width_mm=28.2, width_px=None, rotation_deg=-90.0, aspect_ratio_error=-0.01, source="raster")
    findings = (
        _finding("clear-space", 1, "m1", (50.0, 690.0, 210.0, 760.0), intrusion_mm=3.1, required_mm=7.1),
        _finding("no-qualification", 1, None, None, fix=None),
        _finding("too-small", 2, "m2", m2.bbox, width_mm=9.4, minimum_mm=25.0),
        _finding("distorted", 2, "m2", m2.bbox, aspect_ratio_error=0.21, tolerance=0.02),
        _finding("rotated", 2, "m2", m2.bbox, rotation_deg=12.5, tolerance_deg=1.0),
        _finding("recoloured", 2, "m2", m2.bbox, delta_e=41.0),
        _finding("low-contrast", 2, "m2", m2.bbox, contrast_ratio=1.4, minimum=3.0),
        _finding("low-resolution", 2, "m2", m2.bbox, severity="error", effective_ppi=96, minimum_ppi=150),
        _finding("altered-artwork", 2, "m2", m2.bbox, difference=0.3),
        _finding("cropped", 2, "m3", m3.bbox, visible_fraction=0.6),
        _finding("low-resolution", 2, "m3", m3.bbox, effective_ppi=220, recommended_ppi=300),
        _finding("not-entitled", 2, None, (72.0, 400.0, 300.0, 414.0), qualification="603/0000/0",
                 on_date="2026-11-23"),
    )
    scale = 200 / A4[0]
    images: tuple[PageImage, ...] = ()
    if with_images:
        images = tuple(
            PageImage(page=page, width=200, height=round(A4[1] * scale), scale=scale, media_type="image/png",
                      data=page_png(200, round(A4[1] * scale),
                                    [tuple(v * scale for v in m.bbox) for m in (m1, m2, m3) if m.page == page]))
            for page in (1, 2))
    return DocumentResult(
        path=path, sha256=sha(path), type="pdf", status="ok",
        pages=(PageInfo(1, *A4, "pt"), PageInfo(2, *A4, "pt", user_unit=2.5)),
        marks=(m1, m2, m3), findings=findings, images=images, elapsed_s=1.25,
    )


def image_document(path: str = "social/post.png") -> DocumentResult:
    """A social post picture with one compliant mark and one informational finding."""
    mark = Mark(id="m1", page=1, bbox=(40.0, 40.0, 240.0, 120.0), variant="colour", confidence=0.93,
                width_mm=None, width_px=200.0, rotation_deg=0.4, aspect_ratio_error=0.001, source="raster")
    info = Finding(rule="low-resolution", severity="info", page=1, mark="m1", bbox=mark.bbox,
                   message="Shown at 200 px wide; fine on screen.", fix=None, details={})
    return DocumentResult(
        path=path, sha256=sha(path), type="png", status="ok", pages=(PageInfo(1, 600, 400, "px"),),
        marks=(mark,), findings=(info,),
        images=(PageImage(page=1, width=300, height=200, scale=0.5, media_type="image/png",
                          data=page_png(300, 200, [(20, 20, 120, 60)])),),
    )


def clean_document(path: str = "web/banner.jpg") -> DocumentResult:
    """A compliant web banner: one mark, no findings, no picture."""
    mark = Mark(id="m1", page=1, bbox=(10.0, 10.0, 310.0, 130.0), variant="white", confidence=0.99,
                width_mm=None, width_px=300.0, rotation_deg=0.0, aspect_ratio_error=0.0, source="raster")
    return DocumentResult(path=path, sha256=sha(path), type="jpeg", status="ok",
                          pages=(PageInfo(1, 728, 90, "px"),), marks=(mark,))


def error_document(code: str, path: str | None = None, message: str | None = None) -> DocumentResult:
    """A document that could not be scanned, with the contract's error ``code``."""
    path = path or f"broken/{code}.pdf"
    return DocumentResult(
        path=path, sha256=None if code == "unreadable" else sha(path), type="pdf", status="error",
        error=DocumentError(
            code=code,  # type: ignore[arg-type]
            message=message or f"{path}: could not be scanned ({code}); check the file and scan it again."),
    )


ERROR_CODES = ("unreadable", "encrypted", "unsupported", "too-large", "timeout")


def report(documents: Sequence[DocumentResult], *, is_example: bool = False,
           settings: ScanSettings | None = ScanSettings(), **register: object) -> ScanReport:
    """A ScanReport of ``documents`` with the default kit and register (plus overrides)."""
    register_dict: dict[str, object] = {**REGISTER, **register}
    if is_example:
        register_dict["is_example"] = True
    return ScanReport(generator_version="0.1.0", on_date="2026-11-23", kit=KIT, register=register_dict,
                      documents=tuple(documents), scanned_at="2026-11-23T09:30:00Z", settings=settings)


#: Settings that left rules out, changed one's severity, passed over some folders (and paths given
#: by name) and came from a config file and a baseline.
CHOSEN_SETTINGS = ScanSettings(ocr="never", select=("clear-space", "too-small"), ignore=("clear-space",),
                               severity=(("too-small", "warning"),), config="configs/htq-mark.toml",
                               baseline="last <scan>.json", exclude=("drafts/", "*.tmp.pdf"), force_exclude=True)


def full_report(*, is_example: bool = False) -> ScanReport:
    """Clean, warning and failing documents plus one of every error code, in mixed order."""
    documents = [clean_document(), image_document(), error_document("unreadable"), pdf_document()]
    documents += [error_document(code) for code in ERROR_CODES[1:]]
    return report(documents, is_example=is_example)


def hostile_report() -> ScanReport:
    """Every string a document or a file name controls is a payload."""
    scale = 200 / A4[0]
    mark = Mark(id=f"m1{ATTR_BREAK}", page=1, bbox=(100.0, 100.0, 300.0, 160.0), variant=SVG_ONLOAD,
                confidence=0.9, width_mm=70.0, width_px=None, rotation_deg=0.0, aspect_ratio_error=0.0,
                source="vector")
    findings = tuple(
        Finding(rule=rule, severity=RULES[rule][0], page=1, mark=mark.id if i % 2 else None,  # type: ignore[arg-type]
                bbox=(80.0 + i, 90.0, 320.0, 170.0 + i), message=f"Qualification title {payload} is not entitled.",
                fix=f"Remove {payload}; run htq-mark generate --variant colour.",
                details={f"key{payload}": payload, "title": SCRIPT_TAG})
        for i, (rule, payload) in enumerate(zip(RULES, (HOSTILE_STRINGS * 2)[:len(RULES)], strict=True)))
    hostile = DocumentResult(
        path=f"uploads/{IMG_ONERROR}{SCRIPT_TAG}{CONTROL}{SURROGATE}.pdf", sha256=sha("hostile"), type="pdf",
        status="ok", pages=(PageInfo(1, *A4, "pt"),), marks=(mark,), findings=findings,
        images=(PageImage(page=1, width=200, height=round(A4[1] * scale), scale=scale, media_type="image/png",
                          data=page_png(200, round(A4[1] * scale), [(34, 34, 100, 54)])),
                PageImage(page=1, width=10, height=10, scale=1.0, media_type="text/html",
                          data=SCRIPT_TAG.encode())),
        notes=(Note("page-unreadable", f"page 2 could not be rendered: {TABLE_BREAK}", page=2),
               Note("structure-unreadable", STYLE_BREAK)),
    )
    broken = error_document("unreadable", path=f"{JS_URL}/{TEMPLATE}.pdf",
                            message=f"damaged file {DOUBLE_ESCAPED} {SCRIPT_TAG}")
    plain = image_document(f"{UNICODE}.png")
    kit = {**KIT, "name": f"kit {SCRIPT_TAG}", "version": IMG_ONERROR}
    register = {**REGISTER, "source": f"{STYLE_BREAK}{REMOTE}", "is_example": True}
    settings = ScanSettings(config=f"{SCRIPT_TAG}{CONTROL}/htq-mark.toml",
                            baseline=f'{ATTR_BREAK}"; every rule at its own severity{SURROGATE}.json')
    return ScanReport(generator_version="0.1.0", on_date="2026-11-23", kit=kit, register=register,
                      documents=(plain, hostile, broken), scanned_at=f"2026-11-23T09:30:00Z{CONTROL}",
                      settings=settings)
