"""Settings for the whole test run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def reference_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the detector's cached references in the run's own folder, never in the user's cache."""
    before = os.environ.get("HTQ_MARK_CACHE_DIR")
    os.environ["HTQ_MARK_CACHE_DIR"] = str(tmp_path_factory.mktemp("htq-mark-cache"))
    yield
    if before is None:
        os.environ.pop("HTQ_MARK_CACHE_DIR", None)
    else:
        os.environ["HTQ_MARK_CACHE_DIR"] = before
