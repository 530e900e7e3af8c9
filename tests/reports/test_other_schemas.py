"""The schemas shipped for a pack's manifest.json and for ``htq-mark check --format json``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from htq_mark import reports
from htq_mark.cli import cli
from htq_mark.errors import UsageError
from htq_mark.register import EXAMPLE_ENTITLED_ID, EXAMPLE_WITHDRAWN_ID


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = reports.load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("pack") / "pack"
    result = CliRunner().invoke(cli, ["pack", "--preset", "web", "--preset", "print-a5", "--qualification",
                                      EXAMPLE_ENTITLED_ID, "--date", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    csv = tmp_path_factory.mktemp("check") / "ids.csv"
    csv.write_text(f"qn\n{EXAMPLE_ENTITLED_ID}\n999/9999/9\nnot-an-id\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE_WITHDRAWN_ID, "--from-csv", str(csv), "--column", "qn",
                                      "--date", "2026-11-23", "--format", "json"])
    assert result.exit_code == 1, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def _changed(data: Any, path: list[Any], value: Any) -> Any:
    """A deep copy of ``data`` with the item at ``path`` set to ``value``."""
    changed = copy.deepcopy(data)
    node: Any = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def test_a_real_manifest_is_valid(manifest: dict[str, Any]) -> None:
    _validator("pack-manifest").validate(manifest)
    assert manifest["qualification"]["id"] == EXAMPLE_ENTITLED_ID and len(manifest["files"]) > 8


def test_real_check_output_is_valid_with_every_kind_of_answer(checked: list[dict[str, Any]]) -> None:
    _validator("check-result").validate(checked)
    codes = {reason["code"] for entry in checked for reason in entry["reasons"]}
    assert {"entitled", "withdrawn", "not-on-register", "malformed-id"} <= codes
    assert any("line" in entry for entry in checked)


@pytest.mark.parametrize(("path", "value"), [
    (["schema"], "htq-mark.pack-manifest/2"),
    (["files", 0, "sha256"], "xyz"),
    (["files", 0, "format"], "gif"),
    (["files", 0, "extra"], 1),
    (["colour_space"], "lab"),
])
def test_a_broken_manifest_is_refused(manifest: dict[str, Any], path: list[Any], value: Any) -> None:
    assert not _validator("pack-manifest").is_valid(_changed(manifest, path, value))


@pytest.mark.parametrize(("path", "value"), [
    ([0, "entitled"], "yes"),
    ([0, "reasons", 0, "code"], "fine"),
    ([0, "register", "sha256"], "0"),
    ([0, "on"], "23/11/2026"),
])
def test_broken_check_output_is_refused(checked: list[dict[str, Any]], path: list[Any], value: Any) -> None:
    assert not _validator("check-result").is_valid(_changed(checked, path, value))


def test_the_schemas_ship_in_the_package() -> None:
    folder = Path(reports.__file__).parent / "schema"
    assert {p.name for p in folder.glob("*.json")} >= {"scan-report-1.json", "pack-manifest-1.json",
                                                       "check-result-1.json"}
    with pytest.raises(UsageError, match="unknown schema"):
        reports.load_schema("nope")
