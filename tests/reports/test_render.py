"""The report dispatcher: formats by name, UTF-8 bytes, determinism, light imports."""

from __future__ import annotations

import html
import io
import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from htq_mark import reports
from htq_mark.errors import UsageError
from tests.reports import factory


def test_the_formats_are_text_json_sarif_html_and_junit() -> None:
    assert reports.FORMATS == ("text", "json", "sarif", "html", "junit")


@pytest.mark.parametrize("format", reports.FORMATS)
def test_render_writes_the_chosen_formats_module_output(format: str) -> None:
    module = __import__(f"htq_mark.reports._{format}", fromlist=["render"])
    report = factory.full_report()
    direct, chosen = io.StringIO(), io.StringIO()
    module.render(report, direct)
    reports.render(report, chosen, format)
    assert chosen.getvalue() == direct.getvalue() != ""
    assert reports.render_bytes(report, format) == direct.getvalue().encode("utf-8")


@pytest.mark.parametrize("format", reports.FORMATS)
def test_every_format_is_deterministic_and_utf8_even_for_hostile_input(format: str) -> None:
    first = reports.render_bytes(factory.hostile_report(), format)
    assert first == reports.render_bytes(factory.hostile_report(), format)
    first.decode("utf-8")


def test_an_unknown_format_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError, match=r"unknown report format 'xml'; choose one of text, json, sarif, html"):
        reports.render(factory.report([]), io.StringIO(), "xml")


def test_importing_the_reports_pulls_in_no_heavy_library() -> None:
    code = ("import sys, htq_mark.reports, htq_mark.reports._html, htq_mark.reports._sarif, "
            "htq_mark.reports._text, htq_mark.reports._json; "
            "print(sorted(m for m in ('PIL', 'cv2', 'numpy', 'pypdfium2', 'cairosvg', 'pypdf') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("format", reports.FORMATS)
def test_every_format_says_what_shaped_the_findings(format: str) -> None:
    """A config file that switched rules off, a changed severity, the OCR mode and the baseline are in every report."""
    text = reports.render_bytes(factory.report([factory.clean_document()], settings=factory.CHOSEN_SETTINGS),
                                format).decode("utf-8")
    if format in ("json", "sarif"):
        data = json.loads(text)
        settings = data["settings"] if format == "json" else data["runs"][0]["properties"]["settings"]
        assert settings == {"config": "configs/htq-mark.toml", "baseline": "last <scan>.json",
                            "rules": {"select": ["clear-space", "too-small"], "ignore": ["clear-space"],
                                      "severity": {"too-small": "warning"}},
                            "ocr": "never", "exclude": ["drafts/", "*.tmp.pdf"], "force_exclude": True}
    else:
        line = ('config file "configs/htq-mark.toml"; only rules clear-space, too-small; rules ignored: clear-space; '
                'severities set: too-small to warning; OCR never; passed over: "drafts/", "*.tmp.pdf"; '
                'excludes applied to paths given by name too; findings in baseline "last <scan>.json" suppressed')
        if format == "junit":
            properties = ElementTree.fromstring(text).iter("property")
            assert {p.get("name"): p.get("value") for p in properties}["settings"] == line
        else:
            assert (line if format == "text" else html.escape(line)) in text


def test_a_report_of_default_settings_says_so() -> None:
    text = reports.render_bytes(factory.report([]), "text").decode("utf-8")
    assert "Settings: no config file; every rule at its own severity; OCR auto" in text


@pytest.mark.parametrize(("path", "format", "words"), [
    ("report.pdf", "text", "report.pdf: the suffix .pdf is a document's, and the next scan of this folder would read "
                           "the report as one; name it .txt (text)."),
    ("out/Page.PNG", "html", "the suffix .png is a document's"),
    ("scan.tiff", "sarif", "name it .sarif (sarif)."),
])
def test_a_report_named_like_a_document_is_refused(path: str, format: str, words: str) -> None:
    with pytest.raises(UsageError) as raised:
        reports.check_report_path(path, format)
    assert words in str(raised.value)


@pytest.mark.parametrize("path", ["report.txt", "report", "report.sarif.json", "pdf", "a.pdf.json"])
def test_a_report_named_for_a_report_is_taken(path: str) -> None:
    reports.check_report_path(path, "json")
