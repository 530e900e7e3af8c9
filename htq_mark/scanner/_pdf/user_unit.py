"""A page's /UserUnit: how many 1/72 inch one unit of its user space is (PDF 1.6, default 1).

Large-format pages (banners, posters over 200 inches) set it, so that a unit is
larger than a point. pdfium lays pages out in units and ignores it; sizes in
millimetres and pixels per inch must follow it.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["LARGEST_USER_UNIT", "may_set_user_unit", "page_user_unit"]

LARGEST_USER_UNIT = 75_000.0  # the largest Acrobat honours; beyond it a page would be kilometres wide


def may_set_user_unit(data: bytes) -> bool:
    """Whether any page of the PDF ``data`` may set /UserUnit: the key is in the file, or objects are
    packed in compressed object streams, where a page's dictionary cannot be seen without reading it."""
    return b"/UserUnit" in data or b"/ObjStm" in data


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
