"""Reports of a real scan (not hand-made results) keep to the schema and the formats' rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

import htq_mark
from htq_mark import reports
from htq_mark.scanner import scan
from htq_mark.scanner._results import ScanReport
from tests.reports.htmltree import parse
from tests.reports.test_sarif import check_sarif_2_1_0


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ScanReport:
    from PIL import Image

    folder = tmp_path_factory.mktemp("scan-inputs")
    mark = Image.open(io.BytesIO(htq_mark.generate(variant="colour", format="png", width="300px",
                                                   clear_space=False).data)).convert("RGB")
    mark = mark.resize((100, round(100 * mark.height / mark.width)), Image.Resampling.LANCZOS)  # too small
    post = Image.new("RGB", (640, 400), (250, 250, 250))
    post.paste(mark, (60, 60))
    post.save(folder / "post <img src=x onerror=alert(1)>.png")
    Image.new("RGB", (300, 200), "white").save(folder / "blank.png")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    return scan([folder], jobs=1, thumbnails=True)


def test_the_scan_found_the_mark_and_the_broken_file(scanned: ScanReport) -> None:
    by_name = {Path(d.path).name: d for d in scanned.documents}
    assert by_name["broken.pdf"].status == "error"
    assert by_name["blank.png"].marks == ()
    assert len(by_name["post <img src=x onerror=alert(1)>.png"].marks) == 1
    assert any(f.rule == "too-small" for f in by_name["post <img src=x onerror=alert(1)>.png"].findings)


def test_its_json_report_is_valid_against_the_schema(scanned: ScanReport) -> None:
    data = json.loads(reports.render_bytes(scanned, "json"))
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(reports.load_schema()).iter_errors(data)]
    assert errors == []


def test_its_sarif_report_has_the_required_structure(scanned: ScanReport) -> None:
    log = json.loads(reports.render_bytes(scanned, "sarif"))
    check_sarif_2_1_0(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"too-small"}


def test_its_html_report_shows_the_page_with_the_mark_boxed(scanned: ScanReport) -> None:
    root, _ = parse(reports.render_bytes(scanned, "html").decode("utf-8"))
    body = next(root.iter("body")).text()
    assert "post <img src=x onerror=alert(1)>.png" in body
    assert not list(root.iter("img"))
    [thumb] = root.find("svg", "thumb")
    assert [g.find("text")[0].text().split()[0] for g in thumb.find("g", "box")] == ["m1"]
    assert root.find("svg", "closeup")
