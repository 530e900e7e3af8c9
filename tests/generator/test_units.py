"""Widths with units."""

from __future__ import annotations

import pytest

from htq_mark.errors import UsageError
from htq_mark.generator._units import (
    Length,
    mm_to_points,
    mm_to_px,
    parse_length,
    px_to_mm,
    round_half_up,
)


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("300px", 300.0, "px"),
    ("40mm", 40.0, "mm"),
    ("40.5mm", 40.5, "mm"),
    (" 150 PX ", 150.0, "px"),
    ("25MM", 25.0, "mm"),
])
def test_widths_parse(text: str, value: float, unit: str) -> None:
    assert parse_length(text) == Length(value, unit)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "words"), [
    ("300", "is not a number with a unit"),
    ("300pt", "is not a number with a unit"),
    ("-5mm", "is negative; write a positive length, like '300px'"),
    ("1e3px", "has an exponent; write the number in digits, with a unit, like '300px'"),
    ("1.5E+9 mm", "has an exponent"),
    ("", "is not a number with a unit"),
    ("300.5px", "must be a whole number"),
])
def test_bad_widths_are_usage_errors(text: str, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        parse_length(text)


@pytest.mark.parametrize(("value", "expected"), [(0.5, 1), (1.5, 2), (2.5, 3), (2.4999, 2), (93.75, 94), (23.5, 24),
                                                 (22.5, 23)])
def test_halves_round_up(value: float, expected: int) -> None:
    assert round_half_up(value) == expected


def test_conversions() -> None:
    assert mm_to_px(25.4, 300) == pytest.approx(300)
    assert px_to_mm(300, 300) == pytest.approx(25.4)
    assert mm_to_points(25.4) == pytest.approx(72)
    assert str(Length(40.0, "mm")) == "40mm"
