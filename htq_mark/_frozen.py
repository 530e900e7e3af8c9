"""A read-only mapping for the mappings frozen results hold (a finding's details, a report's kit).

A dict in a frozen dataclass can still be changed in place, which changed the reports
written from it, and makes the result unhashable. This mapping cannot be changed, equals
any mapping with the same items, hashes, and pickles (to processes and cluster workers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FrozenMapping", "frozen"]


class FrozenMapping(Mapping[str, Any]):
    """A mapping of text to values that cannot be changed."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Any]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        try:
            return hash(frozenset(self._items.items()))
        except TypeError:  # a value that cannot be hashed: the keys still tell most mappings apart
            return hash(frozenset(self._items))

    def __repr__(self) -> str:
        return repr(self._items)

    def __reduce__(self) -> tuple[type[FrozenMapping], tuple[dict[str, Any]]]:
        return FrozenMapping, (self._items,)


def frozen(items: Mapping[str, Any]) -> FrozenMapping:
    """``items`` as a :class:`FrozenMapping` (itself, if it is one)."""
    return items if isinstance(items, FrozenMapping) else FrozenMapping(items)
