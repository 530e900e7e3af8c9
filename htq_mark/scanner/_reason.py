"""Foreign exception text, made stable and short enough for a report."""

from __future__ import annotations

import re

__all__ = ["reason"]

_ADDRESS = re.compile(r"<([^<>]*?) at 0x[0-9a-fA-F]+>")


def reason(exc: BaseException, limit: int = 200) -> str:
    """``exc``'s message without memory addresses (so reports are reproducible), shortened."""
    text = _ADDRESS.sub(r"<\1>", str(exc)).strip() or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 3] + "..."
