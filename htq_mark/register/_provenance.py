"""Where a register came from: every decision and report carries this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["EXAMPLE_NOTICE", "RegisterProvenance"]

EXAMPLE_NOTICE = (
    "EXAMPLE DATA - not the official list; load the official list by naming its file "
    "(HTQ_MARK_REGISTER=FILE)"
)


@dataclass(frozen=True)
class RegisterProvenance:
    """The source of a register: file, content hash, as-of date and row count.

    ``is_example`` is true for the built-in example register (and for any file
    whose IDs are all in the example series). ``ofqual`` describes the Ofqual
    data file applied with :func:`~htq_mark.register.import_ofqual`, if any.
    """

    source: str
    sha256: str
    as_of: date
    rows: int
    is_example: bool
    ofqual: RegisterProvenance | None = None

    def describe(self) -> str:
        """One line naming the register, for report headers."""
        text = (f"{self.source} ({self.rows} rows, as of {self.as_of.isoformat()}, "
                f"sha256 {self.sha256[:12]})")
        if self.ofqual is not None:
            text += (f"; regulated status from {self.ofqual.source} "
                     f"(as of {self.ofqual.as_of.isoformat()}, sha256 {self.ofqual.sha256[:12]})")
        if self.is_example:
            text = f"{EXAMPLE_NOTICE}. {text}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the as-of date in ISO 8601)."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "as_of": self.as_of.isoformat(),
            "rows": self.rows,
            "is_example": self.is_example,
            "notice": EXAMPLE_NOTICE if self.is_example else None,
            "ofqual": self.ofqual.to_dict() if self.ofqual is not None else None,
        }
