"""Tell a document's type from its first bytes, never from its name."""

from __future__ import annotations

from typing import Literal

__all__ = ["HEAD_BYTES", "MEDIA_TYPES", "SUPPORTED_TYPES", "DocumentKind", "describe_unsupported", "readable_kinds",
           "sniff"]

DocumentKind = Literal["pdf", "png", "jpeg", "webp", "tiff", "gif", "bmp", "unknown"]

#: How many leading bytes :func:`sniff` needs (PDF headers may follow some junk).
HEAD_BYTES = 1024
SUPPORTED_TYPES: tuple[str, ...] = ("pdf", "png", "jpeg", "webp", "tiff", "gif", "bmp")
#: The media (MIME) type of each kind of document read.
MEDIA_TYPES: dict[str, str] = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp",
                               "tiff": "image/tiff", "gif": "image/gif", "bmp": "image/bmp"}

_SIGNATURES: tuple[tuple[bytes, DocumentKind], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),
    (b"MM\x00+", "tiff"),
    (b"BM", "bmp"),
)

# Formats people often send that the scanner does not read, with what to do instead.
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or a Word/PowerPoint file); export it as PDF"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file; export it as PDF"),
    (b"%!PS", "a PostScript file; convert it to PDF"),
    (b"<svg", "an SVG drawing; export it as PDF or PNG"),
    (b"<?xml", "an XML file (perhaps SVG); export it as PDF or PNG"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image; convert it to PNG"),
)


def sniff(head: bytes) -> DocumentKind:
    """The document type of a file starting with ``head`` (``"unknown"`` if unsupported)."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            if kind == "bmp" and len(head) < 14:
                return "unknown"
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head[:HEAD_BYTES]:
        return "pdf"
    return "unknown"


def readable_kinds(head: bytes) -> tuple[DocumentKind, ...]:
    """Every type a file starting with ``head`` may be read as, the one :func:`sniff` gives first.

    Image signatures sit at the very start, but PDF readers accept a header
    anywhere in the first kilobyte, so an image can also be a PDF (a polyglot).
    """
    kind = sniff(head)
    if kind not in ("pdf", "unknown") and b"%PDF-" in head[:HEAD_BYTES]:
        return (kind, "pdf")
    return (kind,)


def describe_unsupported(head: bytes) -> str:
    """A message saying what an unsupported file seems to be and what to do."""
    stripped = head.lstrip()
    for signature, description in _KNOWN_OTHERS:
        if stripped.startswith(signature) or head.startswith(signature):
            return f"the file is {description}; the scanner reads PDF, PNG, JPEG, WebP, TIFF, GIF and BMP."
    return ("the file is not a PDF or an image the scanner reads (PDF, PNG, JPEG, WebP, TIFF, GIF, BMP); "
            "export it as PDF or PNG.")
