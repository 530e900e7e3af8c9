"""Web pages as documents: render them in headless Chromium and scan them with the same rules.

``scan_url(url)`` scans one page; ``scan_web(urls, ...)`` scans pages, sitemaps and
a crawl from them with one browser (``htq_mark.scan`` hands it the URLs it is given).
Playwright and Chromium are needed only when a page is scanned.
"""

from __future__ import annotations

from ._browser import VIEWPORTS, Browser, Viewport, find_chromium
from ._crawl import CrawlOptions, crawl, is_web_address, read_sitemap, read_url_list, scan_web
from ._page import PageScan, WebScanner, scan_url
from ._session import WebOptions, WebSession

__all__ = ["VIEWPORTS", "Browser", "CrawlOptions", "PageScan", "Viewport", "WebOptions", "WebScanner",
           "WebSession", "crawl", "find_chromium", "is_web_address", "read_sitemap", "read_url_list",
           "scan_url", "scan_web"]
