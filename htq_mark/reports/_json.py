"""The JSON report: exactly the contract, schema ``htq-mark.scan-report/1``.

The document is ``ScanReport.to_dict()`` with its keys in the contract's order,
indented by two spaces, non-ASCII text kept as is (the file is UTF-8). Its JSON
Schema ships in the package: see :func:`htq_mark.reports.load_schema`.
"""

from __future__ import annotations

import json as _json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ._escape import escape_surrogates_for_json

if TYPE_CHECKING:
    from ..scanner._results import ScanReport

__all__ = ["dumps_json", "render"]


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def render(report: ScanReport, fp: _Writer) -> None:
    """Write ``report`` as contract JSON to the text stream ``fp``."""
    fp.write(dumps_json(report.to_dict()))


def dumps_json(data: Any) -> str:
    """Serialise ``data`` the way every htq-mark JSON file is: stable and strict.

    NaN and infinities, which JSON cannot hold, become ``null``; file names that
    are not valid UTF-8 keep their lone surrogates as ``\\uXXXX`` escapes.
    """
    text = _json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False)
    return escape_surrogates_for_json(text) + "\n"


def _finite(value: Any) -> Any:
    """``value`` as plain JSON types: NaN and infinities become None, NumPy values lists and numbers."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if callable(getattr(value, "tolist", None)):  # a NumPy scalar or array
        return _finite(value.tolist())
    return str(value)
