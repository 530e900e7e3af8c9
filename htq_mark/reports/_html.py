"""The HTML report: one self-contained page a reviewer opens in a browser.

Failing documents come first. An index lists every document with its counts;
documents can be searched by path, those without findings hidden, and they are
shown a page of :data:`PAGE_SIZE` at a time (the browser also skips drawing the
ones off screen), so a batch of hundreds stays quick to open. Each document
shows thumbnails of its pages with the marks boxed and labelled (labels are
placed inside the picture and never over one another), its marks, and its
findings, each with a close-up of the place on the page. Findings can be
filtered by rule and severity.

Safety, because documents come from outside and the page is opened in a browser:

* every string from the report (file names, messages, PDF text, titles) is
  shown as text: control and bidi characters escaped, then ``html.escape``
  with ``quote=True``; nothing from the report goes into a script, a style, a
  URL or an event handler;
* a Content-Security-Policy ``<meta>`` comes first in the page:
  ``default-src 'none'``, images only from ``data:``, and the one stylesheet and
  the one script allowed by their SHA-256 hashes, so nothing else can run or load;
* nothing is fetched: page pictures are ``data:`` URIs of the PNG/JPEG/WebP/GIF
  bytes the scan made (other media types are left out).

Pictures are inline SVG: the page image with the boxes drawn over it, and each
close-up an SVG whose ``viewBox`` crops the same page image through ``<use>``,
so each picture is embedded once however many findings it has.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from .._catalogue import RULES
from ._order import SEVERITIES, document_rank, documents_worst_first, findings_in_order
from ._escape import visible
from ._text import EXAMPLE_DATA_WARNING

if TYPE_CHECKING:
    from ..scanner._results import DocumentResult, Finding, Mark, PageImage, ScanReport

__all__ = ["CONTENT_SECURITY_POLICY", "PAGE_SIZE", "SCRIPT", "STYLE", "render"]

#: Media types a page picture may have; anything else is not embedded.
IMAGE_MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})

STYLE = """
:root { color-scheme: light; --error: #b3261e; --warning: #a35a00; --info: #1a5fb4; --ok: #1e7a34; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1c1b1f;
       background: #f4f4f6; }
header, nav, main { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 1.5rem; margin: 0 0 10px; }
h2 { font-size: 1.1rem; margin: 0 0 8px; overflow-wrap: anywhere; }
code, .path { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.example-data { background: #fff4ce; border: 2px solid #a35a00; padding: 10px 14px; border-radius: 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
dl.facts dt { color: #5f5d66; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.summary { font-weight: 600; }
nav { position: sticky; top: 0; background: #f4f4f6; padding-top: 8px; padding-bottom: 8px; z-index: 1;
      border-bottom: 1px solid #d8d7de; }
nav fieldset { display: inline-block; border: 1px solid #d8d7de; border-radius: 6px; margin: 0 8px 6px 0;
               vertical-align: top; }
nav label { display: inline-block; margin-right: 10px; white-space: nowrap; }
#shown { margin: 4px 0 0; color: #5f5d66; }
section.document { background: #fff; border: 1px solid #d8d7de; border-left: 6px solid var(--ok);
                   border-radius: 6px; margin: 16px 0; padding: 14px 16px;
                   content-visibility: auto; contain-intrinsic-size: auto 700px; }
.tools { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; }
.tools input[type=search] { font: inherit; padding: 3px 6px; min-width: 18em; }
details.index { background: #fff; border: 1px solid #d8d7de; border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
details.index summary { cursor: pointer; font-weight: 600; }
table.index td, table.index th { padding: 2px 8px; }
table.index td.count { text-align: right; font-variant-numeric: tabular-nums; }
table.index button, .pager button { font: inherit; background: none; border: 0; padding: 0; color: #1a5fb4;
                                    text-decoration: underline; cursor: pointer; text-align: left; }
.pager button { border: 1px solid #d8d7de; border-radius: 4px; padding: 2px 10px; text-decoration: none;
                margin-right: 6px; }
.pager button:disabled { color: #9e9ca6; cursor: default; }
section.rank-0 { border-left-color: var(--error); }
section.rank-1 { border-left-color: var(--warning); }
section.rank-2 { border-left-color: var(--info); }
.badge { display: inline-block; font-size: .75rem; font-weight: 700; color: #fff; border-radius: 4px;
         padding: 1px 7px; margin-right: 6px; vertical-align: middle; background: var(--ok); }
.badge.rank-0 { background: var(--error); }
.badge.rank-1 { background: var(--warning); }
.badge.rank-2 { background: var(--info); }
.doc-error { color: var(--error); }
.pages { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
figure { margin: 0; }
figcaption { font-size: .85rem; color: #5f5d66; }
svg.thumb, svg.closeup { display: block; background: #fff; border: 1px solid #d8d7de; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-top: 1px solid #ecebf0; }
th { font-size: .85rem; color: #5f5d66; font-weight: 600; }
td.message { overflow-wrap: anywhere; width: 45%; }
td { overflow-wrap: anywhere; }
td.rule { white-space: nowrap; }
.fix { margin-top: 4px; color: #35343a; }
.details { margin: 4px 0 0; padding: 0; list-style: none; font-size: .85rem; color: #5f5d66; }
.sev { font-weight: 700; }
.sev-error .sev { color: var(--error); }
.sev-warning .sev { color: var(--warning); }
.sev-info .sev { color: var(--info); }
.box rect { fill: none; stroke-width: 3; }
.box text { font-family: system-ui, sans-serif; font-weight: 700; paint-order: stroke; stroke: #fff;
            stroke-width: 3; }
.box.sev-error rect { stroke: var(--error); } .box.sev-error text { fill: var(--error); }
.box.sev-warning rect { stroke: var(--warning); } .box.sev-warning text { fill: var(--warning); }
.box.sev-info rect { stroke: var(--info); } .box.sev-info text { fill: var(--info); }
.box.sev-ok rect { stroke: var(--ok); } .box.sev-ok text { fill: var(--ok); }
.box.finding rect { stroke-dasharray: 6 4; }
.no-picture { font-size: .85rem; color: #5f5d66; }
.empty { font-style: italic; }
"""

SCRIPT = """
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[data-kind]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var docs = Array.prototype.slice.call(document.querySelectorAll("section.document"));
  var entries = Array.prototype.slice.call(document.querySelectorAll("tr.index-entry"));
  var shown = document.getElementById("shown");
  var search = document.getElementById("search");
  var hideClean = document.getElementById("hide-clean");
  var pager = document.getElementById("pager");
  var size = Number(document.body.dataset.pageSize) || 20;
  var page = 0;
  var matching = docs;
  function chosen(kind) {
    var on = new Set();
    boxes.forEach(function (box) { if (box.dataset.kind === kind && box.checked) { on.add(box.value); } });
    return on;
  }
  function wanted(doc, everything) {
    var text = search ? search.value.trim().toLowerCase() : "";
    if (text && doc.dataset.path.toLowerCase().indexOf(text) < 0) { return false; }
    if (hideClean && hideClean.checked && doc.dataset.findings === "0" && doc.dataset.status === "ok") {
      return false;
    }
    return everything || doc.querySelector("tr.finding:not([hidden])") !== null;
  }
  function showPage() {
    var pages = Math.max(1, Math.ceil(matching.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    docs.forEach(function (doc) { doc.hidden = true; });
    matching.slice(page * size, (page + 1) * size).forEach(function (doc) { doc.hidden = false; });
    if (pager) {
      pager.querySelector("[data-step='-1']").disabled = page === 0;
      pager.querySelector("[data-step='1']").disabled = page >= pages - 1;
      pager.querySelector("output").textContent = "Page " + (page + 1) + " of " + pages + " (" +
        matching.length + " of " + docs.length + " documents)";
    }
  }
  function apply() {
    var rules = chosen("rule"), severities = chosen("severity");
    var everything = boxes.every(function (box) { return box.checked; });
    var visible = 0;
    rows.forEach(function (row) {
      var show = rules.has(row.dataset.rule) && severities.has(row.dataset.severity);
      row.hidden = !show;
      if (show) { visible += 1; }
    });
    matching = docs.filter(function (doc) { return wanted(doc, everything); });
    var ids = new Set(matching.map(function (doc) { return doc.id; }));
    entries.forEach(function (entry) { entry.hidden = !ids.has(entry.dataset.doc); });
    page = 0;
    showPage();
    if (shown) { shown.textContent = visible + " of " + rows.length + " findings shown"; }
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  if (search) { search.addEventListener("input", apply); }
  if (hideClean) { hideClean.addEventListener("change", apply); }
  if (pager) {
    Array.prototype.forEach.call(pager.querySelectorAll("button"), function (button) {
      button.addEventListener("click", function () { page += Number(button.dataset.step); showPage(); });
    });
  }
  entries.forEach(function (entry) {
    entry.querySelector("button").addEventListener("click", function () {
      var doc = document.getElementById(entry.dataset.doc);
      var at = matching.indexOf(doc);
      if (at < 0) { return; }
      page = Math.floor(at / size);
      showPage();
      doc.scrollIntoView();
    });
  });
  apply();
})();
"""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


#: The page's policy: nothing loads or runs but the page's own style, script and data: pictures.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; img-src data:; style-src {_csp_hash(STYLE)}; script-src {_csp_hash(SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)

_BADGES = {0: "FAIL", 1: "WARNING", 2: "INFO", 3: "PASS"}
_THUMB_BOX = (320, 440)      # the largest a page thumbnail is shown, CSS px
_CLOSEUP_BOX = (240, 170)    # the largest a close-up is shown, CSS px
_LABEL_PX = 13               # label text size on screen, CSS px
_LABEL_EM = 0.62             # label width per character, in ems (the text is stretched to exactly this)
#: Documents shown at a time; the rest are a click away.
PAGE_SIZE = 20
#: With more documents than this the index starts folded.
_INDEX_OPEN_UP_TO = 30


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def render(report: ScanReport, fp: _Writer) -> None:
    """Write ``report`` as one self-contained HTML page to the text stream ``fp``."""
    for chunk in _page(report):
        fp.write(chunk)


def _esc(value: object) -> str:
    """Untrusted ``value`` as HTML text or an attribute value."""
    return html.escape(visible(value), quote=True)


def _num(value: float | None, places: int = 1, unit: str = "", signed: bool = False) -> str:
    if value is None or not math.isfinite(float(value)):
        return "–"
    text = f"{float(value):{'+' if signed else ''}.{places}f}"
    if float(text) == 0:
        text = text.lstrip("+-")  # no "-0.0"
    return f"{text}{unit}"


def _fit(width: float, height: float, box: tuple[int, int], max_zoom: float = 1.0) -> tuple[int, int]:
    """The on-screen size of a ``width`` x ``height`` picture fitted into ``box``."""
    factor = min(box[0] / width, box[1] / height, max_zoom)
    return max(1, round(width * factor)), max(1, round(height * factor))


def _finite_box(box: Sequence[float] | None) -> tuple[float, float, float, float] | None:
    if box is None or len(box) != 4:
        return None
    values = tuple(float(v) for v in box)
    if not all(math.isfinite(v) for v in values):
        return None
    x0, y0, x1, y1 = values
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _usable(image: PageImage) -> bool:
    return (image.media_type in IMAGE_MEDIA_TYPES and image.width > 0 and image.height > 0
            and math.isfinite(image.scale) and image.scale > 0 and bool(image.data))


def _page(report: ScanReport) -> Iterator[str]:
    yield ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CONTENT_SECURITY_POLICY)}">\n'
           '<meta name="referrer" content="no-referrer">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           '<title>htq-mark scan report</title>\n'
           f'<style>{STYLE}</style>\n</head>\n<body data-page-size="{PAGE_SIZE}">\n')
    ordered = documents_worst_first(report.documents)
    yield from _header(report)
    yield from _filters(report)
    yield "<main>\n"
    if not report.documents:
        yield '<p class="empty">No documents were scanned.</p>\n'
    else:
        yield from _tools_and_index(ordered)
    for index, document in enumerate(ordered, start=1):
        yield from _document(document, index)
    yield f"</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"


def _facts(rows: Iterable[tuple[str, str]]) -> str:
    """A definition list; the values are HTML already escaped by the caller."""
    return '<dl class="facts">' + "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows) + "</dl>\n"


def _header(report: ScanReport) -> Iterator[str]:
    kit, register = report.kit, report.register
    yield "<header>\n<h1>HTQ quality mark scan report</h1>\n"
    if register.get("is_example"):
        yield (f'<p class="example-data" role="alert"><strong>EXAMPLE DATA:</strong> '
               f"{_esc(EXAMPLE_DATA_WARNING)}</p>\n")
    rows = [("Tool", f"htq-mark {_esc(report.generator_version)}"),
            ("Scan date", _esc(report.on_date))]
    if report.scanned_at:
        rows.append(("Scanned at", _esc(report.scanned_at)))
    rows += [("Kit", f"{_esc(kit.get('name'))} {_esc(kit.get('version'))}"),
             ("Kit sha256", f"<code>{_esc(kit.get('sha256'))}</code>"),
             ("Register", f"{_esc(register.get('source'))}, as of {_esc(register.get('as_of'))}, "
                          f"{_esc(register.get('qualifications'))} qualifications"),
             ("Register sha256", f"<code>{_esc(register.get('sha256'))}</code>"),
             ("Settings", _esc(report.describe_settings()))]
    yield _facts(rows)
    summary = report.summary
    counts = summary["findings"]
    suppressed = f'; {summary["suppressed"]} suppressed by the baseline' if summary.get("suppressed") else ""
    yield (f'<p class="summary">{summary["documents"]} documents, {summary["unreadable"]} unreadable, '
           f'{summary["marks"]} marks; {counts["error"]} errors, {counts["warning"]} warnings, '
           f'{counts["info"]} info{suppressed}.</p>\n</header>\n')


def _checkbox(kind: str, value: str, label: str, count: int) -> str:
    return (f'<label><input type="checkbox" data-kind="{kind}" value="{_esc(value)}" checked> '
            f"{label} ({count})</label>")


def _filters(report: ScanReport) -> Iterator[str]:
    findings = [f for d in report.documents for f in d.findings]
    if not findings:
        return
    severity_counts: dict[str, int] = {}
    rule_counts: dict[str, int] = {}
    for finding in findings:
        severity_counts[finding.severity] = severity_counts.get(finding.severity, 0) + 1
        rule_counts[finding.rule] = rule_counts.get(finding.rule, 0) + 1
    severities = [s for s in SEVERITIES if s in severity_counts] + sorted(set(severity_counts) - set(SEVERITIES))
    rules = [r for r in RULES if r in rule_counts] + sorted(set(rule_counts) - set(RULES))
    yield '<nav id="filters" aria-label="Filter the findings">\n<fieldset><legend>Severity</legend>'
    yield "".join(_checkbox("severity", s, _esc(s), severity_counts[s]) for s in severities)
    yield "</fieldset>\n<fieldset><legend>Rule</legend>"
    yield "".join(_checkbox("rule", r, f"<code>{_esc(r)}</code>", rule_counts[r]) for r in rules)
    yield f'</fieldset>\n<p id="shown" aria-live="polite">{len(findings)} findings</p>\n</nav>\n'


def _tools_and_index(documents: Sequence[DocumentResult]) -> Iterator[str]:
    """Search by path, hiding clean documents, paging, and the index of every document with its counts."""
    yield ('<p class="tools"><label>Search paths <input type="search" id="search" '
           'placeholder="part of a path" aria-controls="index"></label>'
           '<label><input type="checkbox" id="hide-clean"> Hide documents without findings</label></p>\n')
    if len(documents) > PAGE_SIZE:
        yield _pager()
    opened = " open" if len(documents) <= _INDEX_OPEN_UP_TO else ""
    yield (f'<details class="index"{opened}><summary>Index of the {len(documents)} documents</summary>\n'
           '<table class="index" id="index"><thead><tr><th>Document</th><th>Result</th><th>Errors</th>'
           "<th>Warnings</th><th>Info</th><th>Marks</th></tr></thead><tbody>\n")
    for index, document in enumerate(documents, start=1):
        rank = document_rank(document)
        badge = "UNREADABLE" if document.status == "error" else _BADGES[rank]
        counts = "".join(f'<td class="count">{document.count(s)}</td>' for s in SEVERITIES)
        yield (f'<tr class="index-entry" data-doc="doc-{index}"><td><button type="button" class="path">'
               f'{_esc(document.path)}</button></td><td><span class="badge rank-{rank}">{badge}</span></td>'
               f'{counts}<td class="count">{len(document.marks)}</td></tr>\n')
    yield "</tbody></table>\n</details>\n"


def _pager() -> str:
    return ('<p class="pager" id="pager"><button type="button" data-step="-1">Previous</button>'
            '<button type="button" data-step="1">Next</button><output></output></p>\n')


def _pictures(document: DocumentResult) -> dict[int, PageImage]:
    """The first usable picture of each page."""
    pictures: dict[int, PageImage] = {}
    for image in document.images:
        if _usable(image):
            pictures.setdefault(int(image.page), image)
    return pictures


def _worst(findings: Iterable[Finding]) -> str:
    severities = {f.severity for f in findings}
    return next((s for s in SEVERITIES if s in severities), "ok")


def _document(document: DocumentResult, index: int) -> Iterator[str]:
    rank = document_rank(document)
    badge = "UNREADABLE" if document.status == "error" else _BADGES[rank]
    yield (f'<section class="document rank-{rank}" id="doc-{index}" data-path="{_esc(document.path)}" '
           f'data-findings="{len(document.findings)}" data-status="{_esc(document.status)}">\n'
           f'<h2><span class="badge rank-{rank}">{badge}</span> <span class="path">{_esc(document.path)}</span></h2>\n')
    counts = ", ".join(f"{document.count(s)} {s}" for s in SEVERITIES)
    facts = [("sha256", f"<code>{_esc(document.sha256 or 'not computed')}</code>"),
             ("Type", _esc(document.type)), ("Pages", str(len(document.pages))),
             ("Marks", str(len(document.marks))), ("Findings", counts)]
    if document.type == "web":
        facts.insert(0, ("URL", _web_link(document.url or document.path)))
    yield _facts(facts)
    if document.status == "error":
        code = document.error.code if document.error is not None else "unreadable"
        message = document.error.message if document.error is not None else "The file could not be read."
        yield f'<p class="doc-error"><strong>{_esc(code)}</strong>: {_esc(message)}</p>\n'
    if document.notes:
        yield '<ul class="notes">' + "".join(
            f'<li class="note-{_esc(note.severity)}"><strong>{_esc(note.code)}</strong>'
            f'{"" if note.page is None else f" (page {note.page})"}: {_esc(note.message)}</li>'
            for note in document.notes) + "</ul>\n"

    pictures = _pictures(document)
    marks = {mark.id: mark for mark in document.marks}
    if pictures:
        yield '<div class="pages">\n'
        for page_number in sorted(pictures):
            yield _thumbnail(document, index, pictures[page_number])
        yield "</div>\n"
    if document.marks:
        yield from _marks_table(document)
    if document.findings:
        yield from _findings_table(document, index, pictures, marks)
    if document.suppressed:
        yield (f'<details class="suppressed"><summary>{len(document.suppressed)} suppressed by the baseline'
               '</summary><ul>' + "".join(f"<li>{_esc(f.severity)} <code>{_esc(f.rule)}</code> page {int(f.page)}: "
                                          f"{_esc(f.message)}</li>" for f in document.suppressed) + "</ul></details>\n")
    yield "</section>\n"


def _image_id(index: int, page: int) -> str:
    return f"d{index}-p{page}"


class _Labels:
    """Places box labels inside a picture's view, never over one another.

    Each label is stretched to exactly its estimated width (``textLength``), so
    where it ends is known: it is kept inside ``view`` (x, y, width, height, in
    picture pixels) and moved below the labels already placed when it would overlap.
    """

    def __init__(self, view: tuple[float, float, float, float], unit: float) -> None:
        self.x, self.y, self.width, self.height = view
        self.unit = unit  # picture pixels per screen pixel
        self.taken: list[tuple[float, float, float, float]] = []

    def _free(self, rect: tuple[float, float, float, float]) -> bool:
        return all(rect[2] <= t[0] or rect[0] >= t[2] or rect[3] <= t[1] or rect[1] >= t[3] for t in self.taken)

    def place(self, box: tuple[float, float, float, float], characters: int) -> tuple[float, float, float, float]:
        """(x, baseline y, font size, text length) of the label for ``box``."""
        font = _LABEL_PX * self.unit
        length = max(1, characters) * font * _LABEL_EM
        if length > self.width:  # a label wider than the picture shrinks to fit it
            font *= self.width / length
            length = self.width
        height = font * 1.25
        x = min(max(box[0], self.x), self.x + self.width - length)
        bottom = self.y + self.height
        # Next to the box first (above it, inside its top, below it), then further down, then anywhere free.
        near = [(x, top) for top in (box[1] - height, box[1], box[3])]
        near += [(x, box[3] + step * height) for step in range(1, 8)]
        rows = max(1, int(self.height // height))
        columns = max(1, int(self.width // length))
        anywhere = [(self.x + column * length, self.y + row * height)
                    for row in range(rows) for column in range(columns)]
        candidates = [(left, min(max(top, self.y), bottom - height)) for left, top in near + anywhere]
        # With every place taken (more labels than the picture holds) the label goes by its box.
        left, top = next(((left, top) for left, top in candidates
                          if self._free((left, top, left + length, top + height))), candidates[0])
        self.taken.append((left, top, left + length, top + height))
        return left, top + font, font, length


def _box(x0: float, y0: float, x1: float, y1: float, css: str, label: str, characters: int,
         labels: _Labels) -> str:
    """A labelled rectangle in picture pixels; ``label`` is escaped text ``characters`` long."""
    text_x, text_y, font, length = labels.place((x0, y0, x1, y1), characters)
    return (f'<g class="box {css}"><rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
            f'vector-effect="non-scaling-stroke"/><text x="{text_x:.1f}" y="{text_y:.1f}" font-size="{font:.1f}" '
            f'textLength="{length:.1f}" lengthAdjust="spacingAndGlyphs">{label}</text></g>')


def _label(text: str) -> tuple[str, int]:
    """``text`` escaped for the page, and how many characters it shows."""
    shown = visible(text)
    return html.escape(shown, quote=True), len(shown)


def _scaled(box: tuple[float, float, float, float], scale: float) -> tuple[float, float, float, float]:
    return box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale


def _thumbnail(document: DocumentResult, index: int, picture: PageImage) -> str:
    page = int(picture.page)
    shown_w, shown_h = _fit(picture.width, picture.height, _THUMB_BOX)
    unit = picture.width / shown_w
    data = base64.b64encode(picture.data).decode("ascii")
    parts = [f'<figure class="page"><svg class="thumb" viewBox="0 0 {picture.width} {picture.height}" '
             f'width="{shown_w}" height="{shown_h}" role="img" aria-label="Page {page}">'
             f'<image id="{_image_id(index, page)}" x="0" y="0" width="{picture.width}" height="{picture.height}" '
             f'href="data:{_esc(picture.media_type)};base64,{data}"/>']
    labels = _Labels((0.0, 0.0, float(picture.width), float(picture.height)), unit)
    for mark in document.marks:
        box = _finite_box(mark.bbox) if mark.page == page else None
        if box is None:
            continue
        severity = _worst(f for f in document.findings if f.mark == mark.id)
        label = _label(str(mark.id) + (f" · {mark.variant}" if mark.variant else ""))
        parts.append(_box(*_scaled(box, picture.scale), f"sev-{severity}", *label, labels))
    for finding in document.findings:
        box = _finite_box(finding.bbox) if finding.page == page and finding.mark is None else None
        if box is not None:
            parts.append(_box(*_scaled(box, picture.scale), f"finding sev-{_esc(finding.severity)}",
                              *_label(finding.rule), labels))
    parts.append(f"</svg><figcaption>Page {page}</figcaption></figure>\n")
    return "".join(parts)


def _marks_table(document: DocumentResult) -> Iterator[str]:
    yield ('<table class="marks"><thead><tr><th>Mark</th><th>Page</th><th>Variant</th><th>Width</th>'
           "<th>Rotation</th><th>Aspect error</th><th>Confidence</th><th>Found by</th></tr></thead><tbody>\n")
    for mark in document.marks:
        yield _mark_row(mark)
    yield "</tbody></table>\n"


def _web_link(url: str) -> str:
    """A web address as a link a reader may follow; opening the report loads nothing from it."""
    if not url[:8].lower().startswith(("http://", "https://")):
        return f'<span class="path">{_esc(url)}</span>'
    return f'<a class="path" href="{_esc(url)}" rel="noopener noreferrer nofollow">{_esc(url)}</a>'


def _mark_row(mark: Mark) -> str:
    width = _num(mark.width_mm, 1, " mm") if mark.width_mm is not None else _num(mark.width_px, 0, " px")
    aspect = _num(float(mark.aspect_ratio_error) * 100, 1, "%", signed=True)
    found_by = _esc(mark.source)
    if mark.selector:  # web pages: the element showing the mark, and its picture
        found_by += f'<br><code class="path">{_esc(mark.selector)}</code>'
    if mark.src:
        found_by += "<br>" + _web_link(mark.src)
    return (f"<tr><td>{_esc(mark.id)}</td><td>{int(mark.page)}</td><td>{_esc(mark.variant or 'none')}</td>"
            f"<td>{width}</td><td>{_num(mark.rotation_deg, 1, '°')}</td><td>{aspect}</td>"
            f"<td>{_num(mark.confidence, 2)}</td><td>{found_by}</td></tr>\n")


def _findings_table(document: DocumentResult, index: int, pictures: Mapping[int, PageImage],
                    marks: Mapping[str, Mark]) -> Iterator[str]:
    yield ('<table class="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Page</th><th>Mark</th>'
           "<th>What is wrong and how to fix it</th><th>Close-up</th></tr></thead><tbody>\n")
    for finding in findings_in_order(document):
        yield _finding_row(finding, index, pictures, marks)
    yield "</tbody></table>\n"


def _finding_row(finding: Finding, index: int, pictures: Mapping[int, PageImage], marks: Mapping[str, Mark]) -> str:
    severity, rule = _esc(finding.severity), _esc(finding.rule)
    fix = f'<div class="fix"><strong>Fix:</strong> {_esc(finding.fix)}</div>' if finding.fix else ""
    details = ""
    if finding.details:
        details = ('<ul class="details">' + "".join(f"<li>{_esc(key)}: {_esc(value)}</li>"
                                                    for key, value in finding.details.items()) + "</ul>")
    mark = marks.get(finding.mark) if finding.mark is not None else None
    return (f'<tr class="finding sev-{severity}" data-rule="{rule}" data-severity="{severity}">'
            f'<td class="sev">{severity}</td>'
            f'<td class="rule"><code{_meaning(finding.rule)}>{rule}</code></td>'
            f"<td>{int(finding.page)}</td><td>{_esc(finding.mark or '–')}</td>"
            f'<td class="message">{_esc(finding.message)}{fix}{details}</td>'
            f"<td>{_closeup(finding, mark, index, pictures.get(int(finding.page)))}</td></tr>\n")


def _meaning(rule_id: str) -> str:
    """The title attribute giving a rule's meaning; none for a rule this version does not know."""
    known = RULES.get(rule_id)
    return "" if known is None else f' title="{_esc(known.meaning)}"'


def _closeup(finding: Finding, mark: Mark | None, index: int, picture: PageImage | None) -> str:
    """A crop of the page picture around the finding, drawn by a viewBox over the shared image."""
    if picture is None:
        return '<span class="no-picture">no picture of this page</span>'
    finding_box = _finite_box(finding.bbox)
    mark_box = _finite_box(mark.bbox) if mark is not None and mark.page == finding.page else None
    focus = finding_box or mark_box
    if focus is None:
        x0, y0, x1, y1 = 0.0, 0.0, float(picture.width), float(picture.height)
    else:
        boxes = [b for b in (finding_box, mark_box) if b is not None]
        x0, y0, x1, y1 = _scaled((min(b[0] for b in boxes), min(b[1] for b in boxes),
                                  max(b[2] for b in boxes), max(b[3] for b in boxes)), picture.scale)
        margin = max(x1 - x0, y1 - y0) * 0.35 + 12
        x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin
    shown_w, shown_h = _fit(x1 - x0, y1 - y0, _CLOSEUP_BOX, max_zoom=4.0)
    unit = (x1 - x0) / shown_w
    parts = [f'<svg class="closeup" viewBox="{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}" width="{shown_w}" '
             f'height="{shown_h}" role="img" aria-label="Close-up on page {int(finding.page)}">'
             f'<use href="#{_image_id(index, int(picture.page))}"/>']
    labels = _Labels((x0, y0, x1 - x0, y1 - y0), unit)
    if mark_box is not None and mark is not None:
        parts.append(_box(*_scaled(mark_box, picture.scale), f"sev-{_esc(finding.severity)}", *_label(mark.id),
                          labels))
    if finding_box is not None and finding_box != mark_box:
        parts.append(_box(*_scaled(finding_box, picture.scale), f"finding sev-{_esc(finding.severity)}",
                          *_label(finding.rule), labels))
    parts.append("</svg>")
    return "".join(parts)
