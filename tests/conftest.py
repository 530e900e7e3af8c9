"""Settings for the whole test run."""

from __future__ import annotations

import os
import tempfile
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


@pytest.fixture(scope="session", autouse=True)
def temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep what scans save in the temporary folder (a report that could not go where it was asked) in the
    run's own folder, for this process and the commands it starts, never in the machine's /tmp."""
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tmp_path_factory.mktemp("tmpdir"))
    tempfile.tempdir = None  # read TMPDIR again
    yield
    if before is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = before
    tempfile.tempdir = None
