"""What a page's text says about qualifications: QNs named, and claims of HTQ status."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Claim", "Mention", "TextFacts", "read_text_facts"]

# "Higher Technical Qualification(s)" in any case and spacing; "HTQ"/"HTQs" as a word, in capitals.
_CLAIMS = (
    re.compile(r"\bHigher[\s\-]+Technical[\s\-]+Qualifications?\b", re.IGNORECASE),
    re.compile(r"(?<![A-Za-z0-9])HTQs?(?![A-Za-z0-9])"),
)


@dataclass(frozen=True)
class Mention:
    """A qualification ID named in the text: its canonical form and where it is."""

    canonical: str
    start: int
    end: int
    written: str


@dataclass(frozen=True)
class Claim:
    """Words claiming HTQ status, and where they are."""

    start: int
    end: int
    written: str


@dataclass(frozen=True)
class TextFacts:
    """The qualification IDs and HTQ claims found in a page's text."""

    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]

    @property
    def qualification_ids(self) -> tuple[str, ...]:
        """The distinct IDs named, in order of first mention."""
        return tuple(dict.fromkeys(m.canonical for m in self.mentions))


def read_text_facts(text: str) -> TextFacts:
    """Find qualification IDs (in every spelling the register accepts) and HTQ claims."""
    from ..register import find_qualification_ids

    mentions = tuple(Mention(canonical, start, end, text[start:end])
                     for canonical, start, end in find_qualification_ids(text))
    claims = sorted((Claim(m.start(), m.end(), m.group(0)) for pattern in _CLAIMS for m in pattern.finditer(text)),
                    key=lambda claim: claim.start)
    return TextFacts(mentions=mentions, claims=tuple(claims))
