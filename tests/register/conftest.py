"""Fixtures for the register tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from htq_mark.register import Register, default_register


@pytest.fixture(scope="session")
def example() -> Register:
    """The built-in example register (immutable, so shared)."""
    return default_register()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write bytes to a named file in a temporary folder and return its path."""
    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return write
