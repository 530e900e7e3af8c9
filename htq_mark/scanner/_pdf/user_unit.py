"""A page's /UserUnit: how many 1/72 inch one unit of its user space is (PDF 1.6, default 1).

Large-format pages (banners, posters over 200 inches) set it, so that a unit is
larger than a point. pdfium lays pages out in units and ignores it; sizes in
millimetres and pixels per inch must follow it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .object_streams import object_stream_texts

__all__ = ["LARGEST_USER_UNIT", "SMALLEST_USER_UNIT", "may_set_user_unit", "page_user_unit"]

# The range Acrobat honours (PDF Reference 1.7, implementation notes on /UserUnit): below 1 it is not
# a larger-format page; beyond 75,000 a page would be kilometres wide.
SMALLEST_USER_UNIT = 1.0
LARGEST_USER_UNIT = 75_000.0

_SPACE = rb"\x00\t\n\x0b\x0c\r "  # PDF's white space, and the vertical tab some readers take as such
_NAME_ENDS = rb"(?![^" + _SPACE + rb"()<>\[\]{}/%])"  # the name before this ends here: white space, a delimiter
# /Type followed by anything but a name (a string, a reference, a comment): what it says is not in the
# file's bytes as /ObjStm would be, and a reader may accept it.
_TYPE_NOT_A_NAME = re.compile(rb"/Type" + _NAME_ENDS + rb"[" + _SPACE + rb"]*(?=[^" + _SPACE + rb"/])")


def _spelled(word: str) -> str:
    """A pattern for the name ``word`` with any of its characters written as a #xx escape (/User#55nit)."""
    parts = []
    for character in word:
        code = f"{ord(character):02x}"
        escapes = {f"#{high}{low}" for high in {code[0], code[0].upper()} for low in {code[1], code[1].upper()}}
        parts.append("(?:" + "|".join(sorted({re.escape(character), *escapes})) + ")")
    return "".join(parts)


# /UserUnit, /ObjStm (which the object-stream check counts) and /Type (which says what an object stream is),
# spelled with #xx escapes, as whole names: a search for their bytes would miss them.
_ESCAPED_NAME = re.compile(
    rb"/(?=[^" + _SPACE + rb"()<>\[\]{}/%]*#)"  # a name with a # in it, that is...
    + f"(?:{_spelled('UserUnit')}|{_spelled('ObjStm')}|{_spelled('Type')})".encode() + _NAME_ENDS)


def _escapes(text: bytes) -> bool:
    """Whether ``text`` spells /UserUnit, /ObjStm or /Type with #xx escapes."""
    return _ESCAPED_NAME.search(text) is not None


def may_set_user_unit(data: bytes) -> bool:
    """Whether any page of the PDF ``data`` may set /UserUnit.

    Opening the document with a PDF reader costs more than looking at its bytes
    (a damaged file's cross-references rebuilt, most of all), and almost no page sets
    the key. A page dictionary shows it in the file's bytes (spelled plainly or with
    escapes) unless it is packed in a compressed object stream, which the reader
    takes objects from only if its /Type is /ObjStm. A file without that name has
    none. Those that the file's cross-reference streams name are inflated and
    looked through (:mod:`.object_streams`). A file whose object streams cannot all
    be read so, or that holds an object stream no cross-reference names (which a
    reader rebuilding a damaged file might find), counts as one whose pages may.
    """
    if b"/UserUnit" in data or _escapes(data) or _TYPE_NOT_A_NAME.search(data):
        return True
    # pypdf (5.1 on, which takes no string for a name) finds no object stream without this name. It checks
    # the name with an assert: a file made to hide the key so, read under python -O, would hide it.
    if b"ObjStm" not in data:
        return False
    texts = object_stream_texts(data)
    if texts is None or len(texts) != data.count(b"ObjStm"):
        return True
    return any(b"/UserUnit" in text or _escapes(text) for text in texts)


def page_user_unit(reader: Any, index: int) -> tuple[float, str | None]:
    """Page ``index``'s /UserUnit, and what is wrong with it if it cannot be used (then 1.0).

    ``reader`` is the document's pypdf reader.
    """
    try:
        value = reader.pages[index].get("/UserUnit")
        value = value.get_object() if value is not None and hasattr(value, "get_object") else value
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged page trees; the unit is then unknown
        return 1.0, f"its /UserUnit could not be read ({type(exc).__name__})"
    if value is None:
        return 1.0, None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 1.0, f"its /UserUnit is not a number ({str(value)[:40]!r})"
    try:
        unit = float(value)
    except OverflowError:  # an integer of hundreds of digits
        unit = math.inf
    if not (math.isfinite(unit) and SMALLEST_USER_UNIT <= unit <= LARGEST_USER_UNIT):
        return 1.0, (f"its /UserUnit {unit:g} is outside the range PDF readers honour "
                     f"({SMALLEST_USER_UNIT:g} to {LARGEST_USER_UNIT:,.0f})")
    return unit, None
