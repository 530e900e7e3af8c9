"""Occupational routes and HTQ approval cycles.

HTQs are approved against occupational standards grouped into 15 routes. Each
approval cycle opened more routes and sets the earliest first-teaching date:

- cycle 1, first teaching September 2022: Digital;
- cycle 2, September 2023: adds Construction and the built environment, Health
  and science;
- cycle 3, September 2024: adds Business and administration, Education and
  early years, Engineering and manufacturing, Legal, finance and accounting;
- cycle 4, September 2025: adds the remaining eight routes;
- cycle 5, September 2025 or September 2026: no new routes.

Cycles after 5 are accepted with no route or date rule until they are added here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

__all__ = ["CYCLES", "ROUTES", "Cycle", "Route", "cycle_info", "find_route", "routes_open_in"]


@dataclass(frozen=True)
class Route:
    """An occupational route: its official name and the cycle that opened it to HTQs."""

    name: str
    first_cycle: int

    @property
    def slug(self) -> str:
        """A lower-case, hyphenated form of the name (``legal-finance-and-accounting``)."""
        return "-".join(re.findall(r"[a-z]+", self.name.lower()))


@dataclass(frozen=True)
class Cycle:
    """An approval cycle: its number, first-teaching dates and the routes it added."""

    number: int
    first_teaching_dates: tuple[date, ...]
    routes_added: tuple[str, ...]

    @property
    def earliest_first_teaching(self) -> date:
        """The earliest first-teaching date the cycle allows."""
        return min(self.first_teaching_dates)


ROUTES: tuple[Route, ...] = (
    Route("Agriculture, environmental and animal care", 4),
    Route("Business and administration", 3),
    Route("Care services", 4),
    Route("Catering and hospitality", 4),
    Route("Construction and the built environment", 2),
    Route("Creative and design", 4),
    Route("Digital", 1),
    Route("Education and early years", 3),
    Route("Engineering and manufacturing", 3),
    Route("Hair and beauty", 4),
    Route("Health and science", 2),
    Route("Legal, finance and accounting", 3),
    Route("Protective services", 4),
    Route("Sales, marketing and procurement", 4),
    Route("Transport and logistics", 4),
)


def _routes_added(cycle: int) -> tuple[str, ...]:
    return tuple(route.name for route in ROUTES if route.first_cycle == cycle)


CYCLES: Mapping[int, Cycle] = MappingProxyType({
    1: Cycle(1, (date(2022, 9, 1),), _routes_added(1)),
    2: Cycle(2, (date(2023, 9, 1),), _routes_added(2)),
    3: Cycle(3, (date(2024, 9, 1),), _routes_added(3)),
    4: Cycle(4, (date(2025, 9, 1),), _routes_added(4)),
    5: Cycle(5, (date(2025, 9, 1), date(2026, 9, 1)), ()),
})

_FILLER_WORDS = frozenset({"and", "the"})


def _route_key(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    return " ".join(word for word in words if word not in _FILLER_WORDS)


_ROUTE_ALIASES = {"construction": "Construction and the built environment"}
_ROUTES_BY_KEY: Mapping[str, Route] = MappingProxyType({
    **{_route_key(route.name): route for route in ROUTES},
    **{alias: next(r for r in ROUTES if r.name == name) for alias, name in _ROUTE_ALIASES.items()},
})


def find_route(text: str) -> Route | None:
    """The route ``text`` names, or ``None``.

    Case, punctuation and the words "and"/"the" are ignored, so ``Legal finance
    and accounting``, ``legal-finance-accounting`` and ``Construction`` all match.
    """
    return _ROUTES_BY_KEY.get(_route_key(text))


def cycle_info(number: int) -> Cycle | None:
    """The details of approval cycle ``number``, or ``None`` for a cycle not yet described."""
    return CYCLES.get(number)


def routes_open_in(cycle: int) -> tuple[Route, ...]:
    """The routes HTQs could be approved in during ``cycle`` (all of them after cycle 5)."""
    return tuple(route for route in ROUTES if route.first_cycle <= cycle)
