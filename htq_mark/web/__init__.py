"""Web pages as documents: render them in headless Chromium and scan them with the same rules.

``scan_url(url)`` scans one page; ``crawl(...)`` walks a site politely.
Playwright and Chromium are needed only when a page is scanned.
"""

from __future__ import annotations

from .browser import VIEWPORTS, Browser, Viewport, find_chromium
from .page import PageScan, WebScanner, scan_url
from .session import WebOptions, WebSession

__all__ = ["VIEWPORTS", "Browser", "PageScan", "Viewport", "WebOptions", "WebScanner", "WebSession",
           "find_chromium", "scan_url"]
