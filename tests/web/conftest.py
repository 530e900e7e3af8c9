"""Fixtures for web tests: loopback fixture sites and one shared scanner (one browser) per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from htq_mark.web import WebOptions, WebScanner
from tests.web.server import Site, serve


@pytest.fixture(scope="module")
def scanner() -> Iterator[WebScanner]:
    """A scanner allowed to reach 127.0.0.1, with no delay between requests."""
    with WebScanner(options=WebOptions(allow_private=True, delay=0.0)) as shared:
        yield shared


@pytest.fixture()
def empty_site() -> Iterator[Site]:
    with serve(Site()) as site:
        yield site
