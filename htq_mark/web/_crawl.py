"""Walk a site politely: start pages, sitemaps and URL lists, followed breadth first within limits.

Only links on the same site as a start page are followed (the same host),
and only ``http``/``https``. PDFs and images linked from crawled pages are
scanned as documents, their URL as their path. Include and exclude patterns
are shell-style globs matched against the whole URL (``*/courses/*``); they
choose among the URLs found (links and sitemap entries), never the pages given.
"""

from __future__ import annotations

import datetime
import fnmatch
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import read_limited
from ..errors import InputError, UsageError
from ..scanner._limits import DEFAULT_LIMITS, Limits
from ..scanner._ocr import OcrMode
from ..scanner._results import DocumentError, DocumentResult
from ._addresses import origin_of, web_address
from ._page import WebScanner
from ._session import WebOptions

if TYPE_CHECKING:
    from .._resolve import KitSource, RegisterSource
    from ..scanner._detect import References

__all__ = ["MAX_URL_LIST_BYTES", "CrawlOptions", "CrawlProgress", "crawl", "is_web_address", "read_sitemap",
           "read_url_list", "scan_web"]

_SITEMAP_BYTES = 50 * 1024 * 1024
#: The largest URL list read (about a million addresses).
MAX_URL_LIST_BYTES = 256 * 1024 * 1024
_MAX_SITEMAPS = 50
#: Most links taken from one page; a page linking to 10,000 pages cannot flood the queue.
_MAX_LINKS_PER_PAGE = 1000

#: Called after each page: (documents done, documents known so far, URL of the one just done).
CrawlProgress = Callable[[int, int, str], None]


def is_web_address(value: object) -> bool:
    """Whether a PATH given to a scan is a web address (``http://`` or ``https://``)."""
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class CrawlOptions:
    """How far a crawl goes.

    ``follow``: follow same-site links from the pages given (``--crawl``);
    without it only the pages given (and those listed in sitemaps) are scanned.
    ``max_pages``: most documents scanned in all. ``max_depth``: most links
    followed from a start page (None: no limit). ``include``/``exclude``: URL
    globs; a found URL (a link, or a sitemap's entry) must match an include (if
    any) and no exclude.
    """

    follow: bool = False
    max_pages: int = 100
    max_depth: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.max_pages, bool) or not isinstance(self.max_pages, int) or self.max_pages < 1:
            raise UsageError(f"max_pages must be a whole number of at least 1; got {self.max_pages!r}")
        if self.max_depth is not None and (not isinstance(self.max_depth, int) or self.max_depth < 0):
            raise UsageError(f"max_depth must be a whole number of at least 0; got {self.max_depth!r}")
        for name in ("include", "exclude"):
            globs = getattr(self, name)
            if isinstance(globs, (str, bytes)):
                raise UsageError(f"{name} takes a list of URL globs, not one as text: write {name}=({globs!r},).")
            if globs is not None and not isinstance(globs, Iterable):
                raise UsageError(f"{name} takes a list of URL globs, not {type(globs).__name__}.")
            object.__setattr__(self, name, () if globs is None else tuple(globs))
            if not all(isinstance(glob, str) for glob in getattr(self, name)):
                raise UsageError(f"{name} takes URL globs as text, not {getattr(self, name)!r}.")

    def wanted(self, url: str) -> bool:
        """Whether a found URL passes the include and exclude patterns."""
        if self.include and not any(fnmatch.fnmatchcase(url, pattern) for pattern in self.include):
            return False
        return not any(fnmatch.fnmatchcase(url, pattern) for pattern in self.exclude)


def read_url_list(path: str) -> list[str]:
    """The URLs in a text file, one a line (blank lines and ``#`` comments skipped).

    At most ``MAX_URL_LIST_BYTES`` are read, from a regular file or a pipe
    (``--urls <(command)``; a FIFO with no writer reads as empty); a device (which may
    never end) and anything larger are refused with :class:`UsageError`.
    """
    try:
        data = read_limited(path, limit=MAX_URL_LIST_BYTES, what="URL list", refuse=UsageError, pipes=True)
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: the URL list cannot be read ({exc}); give a UTF-8 text file, one URL a line.") \
            from None
    listed = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)
              if line.strip() and not line.lstrip().startswith("#")]
    bad = [(number, url) for number, url in listed if not is_web_address(url)]
    if bad:
        number, url = bad[0]
        raise UsageError(f"{path}, line {number}: {url!r} is not an http or https address; write one URL a line.")
    return [url for _, url in listed]


def read_sitemap(url: str, scanner: WebScanner, limit: int, *,
                 on_error: Callable[[str, InputError], None] | None = None,
                 wanted: Callable[[str], bool] | None = None) -> list[str]:
    """The page URLs a sitemap (or sitemap index, followed) lists, at most ``limit`` of them, and only
    those ``wanted`` says yes to (if given), so the ones left out do not use up the limit.

    A sitemap an index lists that cannot be read (or is blocked) is passed to ``on_error``
    with its error, and the others are read; without ``on_error`` its error is raised.
    The error of ``url`` itself is always raised.
    """
    pending, read = deque([url]), 0
    listed = {url}  # a sitemap an index lists twice is read (or reported) once
    pages: list[str] = []
    while pending and len(pages) < limit and read < _MAX_SITEMAPS:
        current = pending.popleft()
        read += 1
        try:
            root = _sitemap_root(current, scanner)
        except InputError as exc:
            if read == 1 or on_error is None:
                raise
            on_error(current, exc)
            continue
        for element in root.iter():
            if not element.tag.endswith("loc") or not (element.text or "").strip():
                continue
            location = (element.text or "").strip()
            if root.tag.endswith("sitemapindex"):
                if location not in listed:
                    listed.add(location)
                    pending.append(location)
            elif is_web_address(location) and len(pages) < limit and (wanted is None or wanted(location)):
                pages.append(location)
    return pages


def _sitemap_root(url: str, scanner: WebScanner) -> Any:
    """The parsed XML of the sitemap at ``url``; :class:`InputError` if it cannot be fetched or read."""
    from defusedxml import ElementTree

    answer = scanner.session.fetch(url, deadline=time.monotonic() + scanner.limits.max_page_seconds,
                                   max_bytes=_SITEMAP_BYTES, accept="application/xml,text/xml")
    try:
        return ElementTree.fromstring(answer.body)
    except Exception as exc:  # noqa: BLE001 - defusedxml's and expat's errors on a bad or hostile sitemap
        raise InputError(url, f"is not a readable sitemap ({type(exc).__name__}); check the address.") from None


def _same_site(url: str, hosts: set[str]) -> bool:
    return _host_of(url) in hosts


def _host_of(url: str) -> str:
    """The host ``url`` names, in lower case; empty if it names none or cannot be read (``http://[::1``:
    scanned, it ends as unreadable)."""
    origin = origin_of(url)
    return "" if origin is None else origin[0]


def _page_of(url: str) -> str:
    """``url`` as the page it names: as a browser writes it, less its fragment (itself if unreadable)."""
    try:
        return web_address(url).split("#", 1)[0]
    except InputError:
        return url


def crawl(starts: Sequence[str], scanner: WebScanner, options: CrawlOptions = CrawlOptions(), *,
          sitemaps: Iterable[str] = (), progress: CrawlProgress | None = None) -> list[DocumentResult]:
    """Scan the start pages and the pages of ``sitemaps``, following links if ``options.follow``.

    Breadth first, each URL once (without its fragment), at most
    ``options.max_pages`` documents. A page that cannot be scanned is in the
    results with its error and the crawl goes on.
    """
    results: list[DocumentResult] = []
    queue: deque[tuple[str, int]] = deque()
    seen: set[str] = set()

    def add(url: str, depth: int) -> None:
        plain = _page_of(url)
        if plain not in seen:
            seen.add(plain)
            queue.append((url, depth))

    for url in starts:
        add(url, 0)

    def unreadable(location: str, exc: InputError) -> None:
        results.append(DocumentResult(path=location, sha256=None, type="web", status="error",
                                      error=DocumentError(exc.code, str(exc))))

    for sitemap in sitemaps:
        try:
            for url in read_sitemap(sitemap, scanner, options.max_pages, on_error=unreadable, wanted=options.wanted):
                add(url, 0)
        except InputError as exc:
            unreadable(sitemap, exc)
    hosts = {_host_of(_page_of(url)) for url, _ in queue} - {""}
    # Only the documents scanned count toward max_pages, not the sitemaps that could not be read.
    scanned_count = 0
    while queue and scanned_count < options.max_pages:
        url, depth = queue.popleft()
        scanned = scanner.scan(url)
        results.append(scanned.result)
        scanned_count += 1
        if depth == 0 and scanned.result.url:  # a start page that redirects to www. keeps its site
            hosts.add(_host_of(scanned.result.url))
        if progress is not None:
            progress(scanned_count, scanned_count + len(queue), url)
        if not options.follow or (options.max_depth is not None and depth >= options.max_depth):
            continue
        for link in scanned.links[:_MAX_LINKS_PER_PAGE]:
            if is_web_address(link) and _same_site(link, hosts) and options.wanted(link):
                add(link, depth + 1)
    return results


def scan_web(urls: Sequence[str], *, sitemaps: Sequence[str] = (), kit: KitSource = None,
             register: RegisterSource = None, on: datetime.date | str | None = None,
             limits: Limits = DEFAULT_LIMITS, options: WebOptions | None = None,
             crawl_options: CrawlOptions | None = None, thumbnails: bool = False,
             references: References | None = None, progress: CrawlProgress | None = None,
             ocr: OcrMode = "auto") -> list[DocumentResult]:
    """Scan web pages (and sitemaps, and a crawl from them) with one browser; see :func:`crawl`.

    ``ocr`` says where text in pictures is read in the PDFs and pictures fetched
    (see :func:`~htq_mark.scan_document`).

    Raises :class:`~htq_mark.errors.BrowserUnavailableError` before fetching
    anything if headless Chromium cannot be started.
    """
    with WebScanner(kit=kit, register=register, on=on, limits=limits, options=options, thumbnails=thumbnails,
                    references=references, ocr=ocr) as scanner:
        scanner.browser.check()
        return crawl(list(urls), scanner, crawl_options or CrawlOptions(), sitemaps=sitemaps, progress=progress)
