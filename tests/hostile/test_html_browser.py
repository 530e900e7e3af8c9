"""The HTML report, built from hostile inputs, opened in real headless Chromium.

Every payload in the report (file names, PDF text, titles, kit and register
metadata) tries to set ``window.__pwned``, change ``document.title`` or add an
element with id ``pwned``. From inside the browser this checks that none did,
that the Content-Security-Policy blocks inline handlers, injected scripts and
remote loads, that the findings are on screen and that the filter works. A
screenshot goes to ``test-artifacts/``.

Needs the Debian packages ``chromium`` and ``chromium-driver`` and the Python
package ``selenium`` (the ``test`` extra); without them the test fails and says
how to install them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from htq_mark import reports
from tests.reports import factory

pytestmark = pytest.mark.browser

# The `browser` fixture (headless Chromium) is in conftest.py.

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
@pytest.fixture(scope="module")
def report_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    page = tmp_path_factory.mktemp("html-report") / "hostile-report.html"
    page.write_bytes(reports.render_bytes(factory.hostile_report(), "html"))
    browser.get(page.as_uri())
    return browser


def _visible_rows(driver: Any) -> int:
    rows = driver.find_elements("css selector", "tr.finding")
    return sum(1 for row in rows if row.is_displayed())


def _click(driver: Any, kind: str, value: str) -> None:
    [box] = [b for b in driver.find_elements("css selector", f'#filters input[data-kind="{kind}"]')
             if b.get_attribute("value") == value]
    box.click()


def test_no_injected_script_ran(report_page: Any) -> None:
    state = report_page.execute_script("""return {
        title: document.title,
        pwned: typeof window.__pwned,
        pwnedElement: document.getElementById("pwned") !== null,
        alerts: window.__alerts,
        scripts: document.scripts.length,
        images: document.images.length,
        iframes: document.querySelectorAll("iframe, object, embed, a, form").length,
        violations: window.__violations.slice(),
        remote: performance.getEntriesByType("resource").map(function (e) { return e.name; })
            .filter(function (n) { return !n.startsWith("data:"); })
    };""")
    assert state == {"title": "htq-mark scan report", "pwned": "undefined", "pwnedElement": False, "alerts": 0,
                     "scripts": 1, "images": 0, "iframes": 0, "violations": [], "remote": []}


def test_the_findings_are_shown_as_text(report_page: Any) -> None:
    report = factory.hostile_report()
    body = report_page.find_element("tag name", "body").text
    for payload in factory.HOSTILE_STRINGS:
        assert payload in body, f"not shown as text: {payload!r}"
    findings = sum(len(d.findings) for d in report.documents)
    assert _visible_rows(report_page) == findings
    assert report_page.find_element("id", "shown").text == f"{findings} of {findings} findings shown"
    badge = report_page.find_element("css selector", "section.document .badge").text
    assert badge == "FAIL"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-report-hostile.png"
    assert report_page.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_policy_blocks_inline_handlers_injected_scripts_and_remote_loads(report_page: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    report_page.execute_script("""
        var button = document.createElement("button");
        button.id = "csp-probe";
        button.setAttribute("onclick", "window.__pwned = 'inline handler'");
        document.body.appendChild(button);
        button.click();
        var script = document.createElement("script");
        script.textContent = "window.__pwned = 'injected script'";
        document.body.appendChild(script);
        var image = document.createElement("img");
        image.src = "https://example.invalid/beacon.png";
        document.body.appendChild(image);
    """)
    WebDriverWait(report_page, 5).until(
        lambda d: len(d.execute_script("return window.__violations")) >= 3,
        message="the Content-Security-Policy did not block an inline handler, a script and a remote image")
    violations = report_page.execute_script("return window.__violations")
    assert report_page.execute_script("return typeof window.__pwned") == "undefined"
    directives = {v.split()[0] for v in violations}
    assert {"script-src-attr", "script-src-elem", "img-src"} <= directives, violations
    assert any("example.invalid" in v for v in violations)
    report_page.execute_script(
        "document.querySelectorAll('#csp-probe, body > script:last-of-type, body > img').forEach("
        "function (e) { if (e.parentNode === document.body) { e.remove(); } });")


def test_the_filter_shows_only_the_chosen_rules_and_severities(report_page: Any) -> None:
    report = factory.hostile_report()
    findings = [f for d in report.documents for f in d.findings]
    total = len(findings)
    not_errors = sum(f.severity != "error" for f in findings)

    _click(report_page, "severity", "error")
    assert _visible_rows(report_page) == not_errors
    assert report_page.find_element("id", "shown").text == f"{not_errors} of {total} findings shown"
    unreadable = report_page.find_elements("css selector", "section.rank-0")
    assert not any(s.is_displayed() for s in unreadable if not s.find_elements("css selector", "tr.finding"))

    _click(report_page, "severity", "error")
    _click(report_page, "rule", "too-small")
    assert _visible_rows(report_page) == total - sum(f.rule == "too-small" for f in findings)

    _click(report_page, "rule", "too-small")
    assert _visible_rows(report_page) == total
    assert all(s.is_displayed() for s in report_page.find_elements("css selector", "section.document"))


@pytest.fixture(scope="module")
def batch_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A report of 90 documents (a third with findings and pictures), opened in the browser."""
    documents = [factory.pdf_document(f"batch/doc-{i:03}.pdf") if i % 3 == 0 else factory.clean_document(
        f"batch/clean-{i:03}.jpg") for i in range(90)]
    page = tmp_path_factory.mktemp("html-batch") / "batch-report.html"
    page.write_bytes(reports.render_bytes(factory.report(documents), "html"))
    browser.get(page.as_uri())
    return browser


def _shown_sections(driver: Any) -> list[str]:
    return [s.get_attribute("data-path") for s in driver.find_elements("css selector", "section.document")
            if s.is_displayed()]


def test_a_big_batch_is_shown_a_page_at_a_time(batch_page: Any) -> None:
    from htq_mark.reports._html import PAGE_SIZE

    first = _shown_sections(batch_page)
    assert len(first) == PAGE_SIZE
    height = batch_page.execute_script("return document.documentElement.scrollHeight;")
    batch_page.find_element("css selector", "#pager [data-step='1']").click()
    second = _shown_sections(batch_page)
    assert len(second) == PAGE_SIZE and not set(first) & set(second)
    assert "Page 2 of 5 (90 of 90 documents)" in batch_page.find_element("css selector", "#pager output").text
    # Without paging, the same 90 documents would be several times as tall.
    batch_page.execute_script("document.querySelectorAll('section.document').forEach("
                              "function (s) { s.hidden = false; s.style.contentVisibility = 'visible'; });")
    full_height = batch_page.execute_script("return document.documentElement.scrollHeight;")
    assert full_height > 3 * height
    batch_page.refresh()


def test_search_hide_clean_and_the_index_find_documents(batch_page: Any) -> None:
    search = batch_page.find_element("id", "search")
    search.send_keys("doc-04")
    assert sorted(_shown_sections(batch_page)) == ["batch/doc-042.pdf", "batch/doc-045.pdf", "batch/doc-048.pdf"]
    search.send_keys("\b" * len("doc-04"))
    assert len(_shown_sections(batch_page)) == 20
    batch_page.find_element("id", "hide-clean").click()
    shown = _shown_sections(batch_page)
    assert shown and all(path.endswith(".pdf") for path in shown)
    batch_page.find_element("id", "hide-clean").click()
    batch_page.find_element("css selector", "details.index summary").click()
    [entry] = [e for e in batch_page.find_elements("css selector", "tr.index-entry button")
               if e.text == "batch/clean-089.jpg"]
    entry.click()
    assert "batch/clean-089.jpg" in _shown_sections(batch_page)


def test_labels_are_inside_their_pictures_and_apart_as_drawn(batch_page: Any) -> None:
    overlaps = batch_page.execute_script("""
      var problems = [];
      document.querySelectorAll('section.document:not([hidden]) svg').forEach(function (svg) {
        var frame = svg.getBoundingClientRect();
        var boxes = Array.prototype.map.call(svg.querySelectorAll('text'), function (t) {
          return t.getBoundingClientRect();
        });
        boxes.forEach(function (b, i) {
          if (b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1 ||
              b.bottom > frame.bottom + 1) { problems.push('clipped'); }
          boxes.slice(i + 1).forEach(function (c) {
            if (b.left < c.right - 1 && c.left < b.right - 1 && b.top < c.bottom - 1 && c.top < b.bottom - 1) {
              problems.push('overlap');
            }
          });
        });
      });
      return problems;
    """)
    assert overlaps == []
