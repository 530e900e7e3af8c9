"""Routes and approval cycles."""

from __future__ import annotations

import pytest

from htq_mark.register import CYCLES, ROUTES, find_route
from htq_mark.register._routes import cycle_info, routes_open_in


def test_fifteen_routes_with_unique_slugs() -> None:
    assert len(ROUTES) == 15
    assert len({route.slug for route in ROUTES}) == 15
    assert find_route("Legal, finance and accounting") is not None


@pytest.mark.parametrize(("text", "name"), [
    ("Digital", "Digital"),
    ("DIGITAL", "Digital"),
    ("legal finance accounting", "Legal, finance and accounting"),
    ("legal-finance-and-accounting", "Legal, finance and accounting"),
    ("Construction", "Construction and the built environment"),
    ("Construction and built environment", "Construction and the built environment"),
    ("Agriculture environmental and animal care", "Agriculture, environmental and animal care"),
    ("Sales, marketing & procurement", "Sales, marketing and procurement"),
])
def test_route_names_are_matched_loosely(text: str, name: str) -> None:
    route = find_route(text)
    assert route is not None and route.name == name


@pytest.mark.parametrize("text", ["", "Space", "Digital marketing", "and the"])
def test_unknown_routes(text: str) -> None:
    assert find_route(text) is None


@pytest.mark.parametrize(("cycle", "count", "year"), [(1, 1, 2022), (2, 3, 2023), (3, 7, 2024),
                                                      (4, 15, 2025), (5, 15, 2025)])
def test_cycles_open_routes_cumulatively(cycle: int, count: int, year: int) -> None:
    assert len(routes_open_in(cycle)) == count
    info = cycle_info(cycle)
    assert info is not None and info.earliest_first_teaching.year == year


def test_cycle_five_allows_two_first_teaching_years_and_adds_no_routes() -> None:
    assert [d.year for d in CYCLES[5].first_teaching_dates] == [2025, 2026]
    assert CYCLES[5].routes_added == ()
    assert cycle_info(6) is None
