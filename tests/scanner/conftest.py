"""Shared fixtures of the scanner tests: the bundled kit and its detector references (built once per run)."""

from __future__ import annotations

import pytest

from htq_mark.kit import Kit, load_kit
from htq_mark.scanner._detect import References, build_references


@pytest.fixture(scope="session")
def kit() -> Kit:
    return load_kit()


@pytest.fixture(scope="session")
def refs(kit: Kit) -> References:
    return build_references(kit)
