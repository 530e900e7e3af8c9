"""The published JSON Schema matches the contract, and every JSON report matches the schema."""

from __future__ import annotations

import copy
import io
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from htq_mark import reports
from htq_mark._catalogue import DOCUMENT_ERRORS
from htq_mark.reports import _json as json_report
from htq_mark.scanner import OcrMode
from htq_mark.scanner import _results as results
from tests.reports import factory

SCHEMA_FILE = Path(reports.__file__).parent / "schema" / "scan-report-1.json"

REPORTS: dict[str, Callable[[], results.ScanReport]] = {
    "every rule and error code": factory.full_report,
    "example register": lambda: factory.full_report(is_example=True),
    "no documents": lambda: factory.report([]),
    "only unreadable": lambda: factory.report([factory.error_document(code) for code in factory.ERROR_CODES]),
    "hostile strings": factory.hostile_report,
    "register without as_of": lambda: factory.report([factory.clean_document()], as_of=None),
    "settings chosen": lambda: factory.report([factory.clean_document()], settings=factory.CHOSEN_SETTINGS),
}

# The contract's own example, with the elided hashes filled in.
CONTRACT_EXAMPLE = {
    "schema": "htq-mark.scan-report/1",
    "generator": {"name": "htq-mark", "version": "0.1.0"},
    "on_date": "2026-11-23",
    "kit": {"name": "htq-mark default kit", "version": "1.0.0", "sha256": "c" * 64},
    "register": {"source": "embedded", "sha256": "d" * 64, "as_of": "2026-11-01", "qualifications": 123},
    "settings": {"config": "pyproject.toml", "baseline": None,
                 "rules": {"select": None, "ignore": ["low-contrast"], "severity": {"too-small": "warning"}},
                 "ocr": "auto"},
    "documents": [{
        "path": "brochures/prospectus.pdf", "sha256": "e" * 64, "type": "pdf", "status": "ok", "error": None,
        "pages": [{"number": 1, "width": 595.28, "height": 841.89, "unit": "pt"}],
        "marks": [{"id": "m1", "page": 1, "bbox": [56.0, 700.1, 198.3, 756.9], "variant": "colour",
                   "confidence": 0.97, "width_mm": 50.2, "width_px": None, "rotation_deg": 0.0,
                   "aspect_ratio_error": 0.003, "source": "vector"}],
        "findings": [{"rule": "clear-space", "severity": "error", "page": 1, "mark": "m1",
                      "bbox": [50.0, 690.0, 210.0, 760.0],
                      "message": "Text intrudes 3.1 mm into the clear space on the left; keep 7.1 mm clear.",
                      "fix": "Move the text 3.1 mm further from the mark.",
                      "details": {"intrusion_mm": 3.1, "required_mm": 7.1}}],
    }],
    "summary": {"documents": 1, "unreadable": 0, "marks": 1, "findings": {"error": 1, "warning": 0, "info": 0}},
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = reports.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _json_of(report: results.ScanReport) -> Any:
    buffer = io.StringIO()
    json_report.render(report, buffer)
    return json.loads(buffer.getvalue())


def test_the_packaged_schema_is_the_file_in_the_source_tree() -> None:
    assert reports.load_schema() == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert reports.load_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_contract_example_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(CONTRACT_EXAMPLE)) == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_json_report_is_valid(name: str, validator: jsonschema.Draft202012Validator) -> None:
    data = _json_of(REPORTS[name]())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(("path", "expected"), [
    (("$defs", "finding", "properties", "rule"), set(results.RULES)),
    (("$defs", "severity"), set(results.Severity)),
    (("$defs", "document", "properties", "type"), set(typing.get_args(results.DocumentType))),
    (("$defs", "document", "properties", "status"), {"ok", "error"}),
    (("$defs", "document", "properties", "error", "oneOf", "1", "properties", "code"),
     set(DOCUMENT_ERRORS)),
    (("$defs", "mark", "properties", "source"), set(typing.get_args(results.MarkSource))),
    (("$defs", "page", "properties", "unit"), set(typing.get_args(results.PageUnit))),
    (("$defs", "note", "properties", "code"), set(results.NOTE_CODES)),
    (("$defs", "note", "properties", "severity"), {severity for severity, _ in results.NOTE_CODES.values()}),
    (("properties", "settings", "properties", "ocr"), set(typing.get_args(OcrMode))),
])
def test_schema_enums_match_the_result_types(path: tuple[str, ...], expected: set[str]) -> None:
    keys: list[Any] = [int(p) if p.isdigit() else p for p in path]
    node: Any = reports.load_schema()
    for key in keys:
        node = node[key]
    assert set(node["enum"]) == expected


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


DOC, MARK, FINDING = ["documents", 0], ["documents", 0, "marks", 0], ["documents", 0, "findings", 0]
BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "wrong schema id": _set(["schema"], "htq-mark.scan-report/2"),
    "missing summary": _delete(["summary"]),
    "extra top-level key": _set(["extra"], 1),
    "extra register key": _set(["register", "licence"], "OGL"),
    "is_example not a boolean": _set(["register", "is_example"], "yes"),
    "scanned_at not a timestamp": _set(["scanned_at"], "yesterday"),
    "extra kit key": _set(["kit", "source"], "bundled"),
    "unknown rule ignored": _set(["settings", "rules", "ignore"], ["too-big"]),
    "unknown rule's severity": _set(["settings", "rules", "severity"], {"too-big": "error"}),
    "unknown severity for a rule": _set(["settings", "rules", "severity"], {"too-small": "fatal"}),
    "unknown OCR mode": _set(["settings", "ocr"], "sometimes"),
    "settings without a config": _delete(["settings", "config"]),
    "kit sha256 not hex": _set(["kit", "sha256"], "Z" * 64),
    "on_date not a date": _set(["on_date"], "23/11/2026"),
    "negative qualification count": _set(["register", "qualifications"], -1),
    "unknown document type": _set([*DOC, "type"], "docx"),
    "unknown status": _set([*DOC, "status"], "failed"),
    "ok document with an error": _set([*DOC, "error"], {"code": "timeout", "message": "x"}),
    "error document without an error": lambda d: (d["documents"][0].update(status="error")),
    "unknown error code": lambda d: d["documents"][0].update(status="error",
                                                             error={"code": "crashed", "message": "x"}),
    "missing document key": _delete([*DOC, "pages"]),
    "page number zero": _set([*DOC, "pages", 0, "number"], 0),
    "unknown page unit": _set([*DOC, "pages", 0, "unit"], "mm"),
    "mark bbox of three numbers": _set([*MARK, "bbox"], [1, 2, 3]),
    "unknown mark source": _set([*MARK, "source"], "ocr"),
    "confidence above one": _set([*MARK, "confidence"], 1.5),
    "rotation beyond 180": _set([*MARK, "rotation_deg"], 181.0),
    "missing width_px": _delete([*MARK, "width_px"]),
    "unknown rule": _set([*FINDING, "rule"], "too-big"),
    "unknown severity": _set([*FINDING, "severity"], "fatal"),
    "empty message": _set([*FINDING, "message"], ""),
    "details not an object": _set([*FINDING, "details"], []),
    "summary count missing": _delete(["summary", "findings", "info"]),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_the_schema_rejects_reports_that_break_the_contract(
        name: str, validator: jsonschema.Draft202012Validator) -> None:
    data = copy.deepcopy(CONTRACT_EXAMPLE)
    BREAKAGES[name](data)
    assert not validator.is_valid(data)


def test_the_json_report_carries_only_the_contract_keys_of_kit_and_register() -> None:
    data = _json_of(factory.full_report(is_example=True))
    assert list(data["kit"]) == ["name", "version", "sha256"]
    assert list(data["register"]) == ["source", "sha256", "as_of", "qualifications", "is_example"]
    assert data["register"]["is_example"] is True
