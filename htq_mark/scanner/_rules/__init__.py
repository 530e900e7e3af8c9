"""The rules: turn a mark's measurements and a page's text into findings.

One module per family. Every threshold comes from the kit's spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .._results import Finding
from ._common import MarkFacts
from .appearance import check_altered, check_low_contrast, check_recoloured
from .geometry import check_distorted, check_rotated, check_too_small
from .placement import check_clear_space, check_cropped
from .qualification import check_page_qualifications
from .resolution import check_low_resolution

if TYPE_CHECKING:
    from ...kit import Spec

__all__ = ["MARK_RULES", "MarkFacts", "check_mark", "check_page_qualifications"]

#: The per-mark checks, in the order their findings are reported.
MARK_RULES: tuple[Callable[[MarkFacts, Spec], list[Finding]], ...] = (
    check_too_small,
    check_distorted,
    check_rotated,
    check_recoloured,
    check_clear_space,
    check_low_contrast,
    check_low_resolution,
    check_cropped,
    check_altered,
)


def check_mark(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Every finding about one mark."""
    findings: list[Finding] = []
    for rule in MARK_RULES:
        findings.extend(rule(facts, spec))
    return findings
