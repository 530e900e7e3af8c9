"""Crawling a college site: breadth first, same site only, robots.txt, redirects, linked PDFs, limits, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pathlib import Path

import pytest
from click.testing import CliRunner

import htq_mark
from htq_mark.cli import cli
from htq_mark.errors import BrowserUnavailableError, UsageError
from htq_mark.web import CrawlOptions, WebOptions, WebScanner, crawl, read_url_list
from tests.web.server import Reply, Site, serve
from tests.web.sites import college_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve(college_site(Site())) as served:
        # An index of three sitemaps: one missing (404, and listed twice), one not XML, one listing a page.
        served.routes["/index.xml"] = Reply(
            ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<sitemap><loc>{served.url(path)}</loc></sitemap>"
                       for path in ("/gone.xml", "/broken.xml", "/gone.xml", "/sitemap.xml"))
             + "</sitemapindex>").encode(), "application/xml")
        served.routes["/broken.xml"] = Reply(b"<urlset><url><loc>", "application/xml")
        served.routes["/sitemap.xml"] = Reply(
            ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<url><loc>{served.url("/courses/htq-digital")}</loc></url>'
             f'<url><loc>{served.url("/docs/prospectus.pdf")}</loc></url></urlset>').encode(), "application/xml")
        yield served


def _by_path(results, site: Site) -> dict[str, object]:
    return {r.path.removeprefix(site.base): r for r in results}


def test_crawl_follows_same_site_links_and_scans_linked_pdfs(scanner: WebScanner, site: Site) -> None:
    results = crawl([site.url("/")], scanner, CrawlOptions(follow=True))
    found = _by_path(results, site)
    assert list(found)[0] == "/"
    assert {"/courses/htq-digital", "/courses/old", "/docs/prospectus.pdf", "/private/staff"} <= set(found)
    assert not any("elsewhere.example" in r.path for r in results)
    assert found["/private/staff"].error.code == "blocked"
    assert found["/docs/prospectus.pdf"].type == "pdf" and found["/docs/prospectus.pdf"].marks
    moved = found["/courses/old"]
    assert moved.url == site.url("/courses/htq-digital-2") and "too-small" in {f.rule for f in moved.findings}
    assert "/private/staff" not in site.requests  # robots.txt kept it from ever being asked for


@pytest.mark.parametrize(("options", "expected"), [
    (CrawlOptions(follow=False), {"/"}),
    (CrawlOptions(follow=True, max_pages=2), {"/", "/courses/htq-digital"}),
    (CrawlOptions(follow=True, include=("*/courses/*",)), {"/", "/courses/htq-digital", "/courses/old"}),
    (CrawlOptions(follow=True, exclude=("*/courses/*", "*.pdf")), {"/", "/private/staff"}),
    (CrawlOptions(follow=True, max_depth=0), {"/"}),
])
def test_crawl_limits_and_patterns(scanner: WebScanner, site: Site, options: CrawlOptions,
                                   expected: set[str]) -> None:
    assert set(_by_path(crawl([site.url("/")], scanner, options), site)) == expected


def test_sitemap_pages_are_scanned(scanner: WebScanner, site: Site) -> None:
    results = crawl([], scanner, sitemaps=[site.url("/sitemap.xml")])
    assert list(_by_path(results, site)) == ["/courses/htq-digital", "/docs/prospectus.pdf"]


def test_a_sitemap_an_index_lists_that_cannot_be_read_is_reported_and_the_others_scanned(scanner: WebScanner,
                                                                                         site: Site) -> None:
    """Before, one sitemap of an index that could not be read made the whole index unreadable."""
    results = crawl([], scanner, sitemaps=[site.url("/index.xml")])
    found = _by_path(results, site)
    assert list(found) == ["/gone.xml", "/broken.xml", "/courses/htq-digital", "/docs/prospectus.pdf"]
    assert [found[path].status for path in ("/gone.xml", "/broken.xml")] == ["error", "error"]
    assert "404" in found["/gone.xml"].error.message and "not a readable sitemap" in found["/broken.xml"].error.message
    assert found["/courses/htq-digital"].status == "ok"


@pytest.mark.parametrize("max_pages", [1, 2])
def test_sitemaps_that_cannot_be_read_do_not_count_toward_max_pages(scanner: WebScanner, site: Site,
                                                                     max_pages: int) -> None:
    """Before, the two unreadable sitemaps of the index took up the limit, and no page was scanned."""
    results = crawl([], scanner, CrawlOptions(max_pages=max_pages), sitemaps=[site.url("/index.xml")])
    found = _by_path(results, site)
    assert list(found) == ["/gone.xml", "/broken.xml", "/courses/htq-digital", "/docs/prospectus.pdf"][:2 + max_pages]
    assert found["/courses/htq-digital"].status == "ok"


def test_sitemap_entries_the_patterns_leave_out_do_not_count_toward_max_pages(scanner: WebScanner,
                                                                             site: Site) -> None:
    """Before, the sitemap was cut to max_pages entries first: its first entry, excluded, took the one place."""
    results = crawl([], scanner, CrawlOptions(max_pages=1, exclude=("*/courses/*",)),
                    sitemaps=[site.url("/sitemap.xml")])
    assert list(_by_path(results, site)) == ["/docs/prospectus.pdf"]


def test_a_sitemap_given_that_cannot_be_read_is_reported(scanner: WebScanner, site: Site) -> None:
    results = crawl([], scanner, sitemaps=[site.url("/gone.xml")])
    assert [(r.path, r.status) for r in results] == [(site.url("/gone.xml"), "error")]


def test_url_list_file(tmp_path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("# pages\nhttps://a.example/x\n\nhttp://b.example/\n", encoding="utf-8")
    assert read_url_list(str(listing)) == ["https://a.example/x", "http://b.example/"]
    listing.write_text("# pages\nhttps://a.example/x\n\n/etc/passwd\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"urls.txt, line 4: '/etc/passwd' is not an http or https address"):
        read_url_list(str(listing))  # the line, which the message did not name


@pytest.mark.parametrize("kind", ["device", "too-large"])
def test_a_url_list_that_may_never_end_is_refused_at_once(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                          kind: str) -> None:
    """Read whole, /dev/zero filled the memory."""
    from htq_mark.web import _crawl

    listing = tmp_path / "urls.txt"
    if kind == "device":
        listing = Path("/dev/zero")
    else:
        listing.write_text("https://a.example/x\n" * 10, encoding="utf-8")
        monkeypatch.setattr(_crawl, "MAX_URL_LIST_BYTES", 100)
    with pytest.raises(UsageError, match=f"{listing}: .*(not a regular file|more than the 100 )"):
        read_url_list(str(listing))


def test_a_url_list_may_come_through_a_pipe(tmp_path) -> None:
    """``--urls <(command)``: a pipe is read to its end; a FIFO nobody writes to is empty at once (it waited
    for ever)."""
    import os

    reading, writing = os.pipe()
    try:
        os.write(writing, b"https://a.example/x\nhttp://b.example/\n")
        os.close(writing)
        assert read_url_list(f"/dev/fd/{reading}") == ["https://a.example/x", "http://b.example/"]
    finally:
        os.close(reading)
    fifo = tmp_path / "urls.fifo"
    os.mkfifo(fifo)
    assert read_url_list(str(fifo)) == []


def test_library_scan_takes_urls_with_files(site: Site, tmp_path) -> None:
    from tests.web.sites import mark_png

    picture = tmp_path / "mark.png"
    picture.write_bytes(mark_png())
    report = htq_mark.scan([site.url("/courses/htq-digital"), str(picture)], jobs=1,
                           web=WebOptions(allow_private=True, delay=0))
    assert [d.type for d in report.documents] == ["png", "web"]
    assert report.to_dict()["documents"][1]["url"] == site.url("/courses/htq-digital")


def test_private_addresses_refused_by_default(site: Site) -> None:
    report = htq_mark.scan([site.url("/")], jobs=1)
    assert report.documents[0].error.code == "blocked"
    assert "allow_private=True" in report.documents[0].error.message


def test_cli_scans_urls_and_writes_every_format(site: Site, tmp_path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(site.url("/courses/old") + "\n", encoding="utf-8")
    base = ["scan", "--allow-private", "--delay", "0", "--urls", str(listing), site.url("/courses/htq-digital")]
    result = CliRunner().invoke(cli, [*base, "--format", "json"])
    report = json.loads(result.output)
    assert [d["path"] for d in report["documents"]] == [site.url("/courses/htq-digital"), site.url("/courses/old")]
    assert result.exit_code == 1  # too-small on /courses/old
    sarif = json.loads(CliRunner().invoke(cli, [*base, "--format", "sarif"]).output)
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert site.url("/courses/old") in locations
    html = CliRunner().invoke(cli, [*base, "--format", "html"]).output
    assert "/courses/old" in html and "data:image/jpeg;base64" in html


def test_missing_chromium_is_one_clear_line(site: Site, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HTQ_MARK_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(BrowserUnavailableError, match="chromium-driver"):
        htq_mark.scan([site.url("/")], jobs=1, web=WebOptions(allow_private=True, delay=0))
    result = CliRunner().invoke(cli, ["scan", "--allow-private", site.url("/")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "apt-get install -y chromium chromium-driver" in result.output


def test_files_scan_without_chromium(tmp_path, monkeypatch) -> None:
    from tests.web.sites import mark_png

    monkeypatch.setenv("HTQ_MARK_CHROMIUM", str(tmp_path / "no-chromium"))
    picture = tmp_path / "mark.png"
    picture.write_bytes(mark_png())
    assert htq_mark.scan([str(picture)], jobs=1).documents[0].status == "ok"




def test_crawl_settings_from_the_config_file_and_excludes_for_urls(site: Site, tmp_path, monkeypatch) -> None:
    (tmp_path / "htq-mark.toml").write_text('crawl = true\nallow-private = true\ndelay = 0\nmax-pages = 5\n'
                                            'include = ["*/courses/*", "*/docs/*"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # --exclude keeps found URLs out as well as folder entries; --exclude-url is its first spelling.
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--exclude", "*.pdf", "--exclude-url", "*/old",
                                      site.url("/")])
    paths = [d["path"].removeprefix(site.base) for d in json.loads(result.output)["documents"]]
    assert paths == ["/", "/courses/htq-digital"], result.output


@pytest.mark.parametrize(("given", "words"), [({"include": "*/courses/*"}, "not one as text"),
                                              ({"exclude": "*/archive/*"}, "not one as text"),
                                              ({"include": [3]}, "as text"),
                                              ({"exclude": 5}, "a list of URL globs, not int")])
def test_one_glob_as_text_is_a_usage_error(given: dict[str, object], words: str) -> None:
    """Before, a glob given as text was read a character at a time: include let every address through,
    exclude ('*' among its letters) kept every one out."""
    from htq_mark import CrawlOptions, UsageError

    with pytest.raises(UsageError, match=words):
        CrawlOptions(**given)  # type: ignore[arg-type]


def test_globs_may_come_from_any_iterable() -> None:
    from htq_mark import CrawlOptions

    assert CrawlOptions(include=None).include == ()  # type: ignore[arg-type]  # None: no globs, as before
    options = CrawlOptions(include=(glob for glob in ["*/courses/*"]))
    assert options.include == ("*/courses/*",)
    assert options.wanted("https://x.test/courses/a") and not options.wanted("https://x.test/news/a")
