"""A page's /UserUnit: how many 1/72 inch one unit of its user space is (PDF 1.6, default 1).

Large-format pages (banners, posters over 200 inches) set it, so that a unit is
larger than a point. pdfium lays pages out in units and ignores it; sizes in
millimetres and pixels per inch must follow it.
"""

from __future__ import annotations

import math
import re
import zlib
from typing import Any

__all__ = ["LARGEST_USER_UNIT", "may_set_user_unit", "page_user_unit"]

LARGEST_USER_UNIT = 75_000.0  # the largest Acrobat honours; beyond it a page would be kilometres wide

# Decompressed bytes of one object stream looked through; a larger one is left to the PDF reader.
_MOST_INFLATED = 32 * 1024 * 1024
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm(?![A-Za-z0-9])")
_PLAIN_FLATE = re.compile(rb"/Filter\s*(?:/FlateDecode|\[\s*/FlateDecode\s*\])(?![A-Za-z0-9])")
# A name written with #xx escapes (/User#55nit is /UserUnit), which a byte search would not see.
_ESCAPED_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_TELLING_NAMES = frozenset({b"UserUnit", b"Type", b"ObjStm", b"Filter", b"FlateDecode", b"DecodeParms"})


def _escapes_a_telling_name(text: bytes | memoryview) -> bool:
    """Whether ``text`` spells /UserUnit (or a name the object-stream search reads) with #xx escapes."""
    return any(_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name.group()[1:]) in _TELLING_NAMES
               for name in _ESCAPED_NAME.finditer(text))


def may_set_user_unit(data: bytes) -> bool:
    """Whether any page of the PDF ``data`` may set /UserUnit.

    The key is looked for in the file's bytes and in its object streams (where
    most producers pack page dictionaries), inflated here: opening the document
    with a PDF reader costs far more, and almost no page sets it. An object
    stream that cannot be looked through so (another filter, a predictor,
    encryption, damage, too large), or a name that may be the key spelled with
    escapes, counts as a page that may.
    """
    if b"/UserUnit" in data or _escapes_a_telling_name(data):
        return True
    view = memoryview(data)
    for match in _OBJECT_STREAM.finditer(data):
        begin = data.find(b"stream", match.end())
        if begin < 0:
            return True
        dictionary = data[max(0, data.rfind(b"obj", 0, match.start())):begin]
        if b"/Filter" not in dictionary:
            continue  # stored as it is: its bytes were looked through above
        if not _PLAIN_FLATE.search(dictionary) or b"/DecodeParms" in dictionary:
            return True
        begin += len(b"stream")
        begin += 2 if data[begin:begin + 2] == b"\r\n" else 1
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(view[begin:], _MOST_INFLATED)
        except zlib.error:
            return True
        if b"/UserUnit" in text or inflater.unconsumed_tail or not inflater.eof or _escapes_a_telling_name(text):
            return True
    return False


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
    if not (math.isfinite(unit) and 0.0 < unit <= LARGEST_USER_UNIT):
        return 1.0, f"its /UserUnit {unit:g} is not a number above 0 and at most {LARGEST_USER_UNIT:,.0f}"
    return unit, None
