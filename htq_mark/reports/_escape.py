"""Making untrusted strings safe to show: no control characters, no spoofing.

File names and PDF text come from outside. On a terminal a control character can
forge lines or move the cursor; anywhere, a bidirectional override can make
``invoice\u202efdp.exe`` read as ``invoiceexe.pdf``; and a file name that is not
valid UTF-8 arrives as lone surrogates that cannot be encoded at all. Such
characters are shown as Python-style escapes (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import re

__all__ = ["escape_surrogates_for_json", "visible"]

# C0 and C1 controls, DEL, lone surrogates, the line and paragraph separators (which editors and
# str.splitlines() take for line breaks), and the bidirectional formatting characters (marks,
# embeddings, overrides, isolates) plus the BOM.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``str(value)`` with control, surrogate and bidi characters escaped."""
    return _HIDDEN.sub(_escape, str(value))


def escape_surrogates_for_json(text: str) -> str:
    """Turn lone surrogates in JSON text into ``\\uXXXX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` leaves them raw, and raw surrogates
    cannot be written as UTF-8; as escapes they are valid JSON that decodes back
    to the same string. They only ever occur inside JSON strings.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
