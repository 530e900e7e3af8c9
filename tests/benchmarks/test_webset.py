"""The web evaluation set: built by code, labelled in the file set's format, scored end to end on a slice."""

from __future__ import annotations

import json

import pytest

from benchmarks.evaluate import score
from benchmarks.evaluate_web import run_pages, serve_folder
from benchmarks.webset.generate import BACKGROUNDS, DECOYS, MISUSES, build


@pytest.fixture(scope="module")
def webset(tmp_path_factory):
    root = tmp_path_factory.mktemp("webset")
    return root, build(root)


def test_every_background_has_compliant_marks_and_every_misuse(webset) -> None:
    root, labels = webset
    assert json.loads((root / "labels.json").read_text(encoding="utf-8")) == labels
    for background in BACKGROUNDS:
        conditions = {c["condition"] for c in labels["cases"] if background in c["conditions"]}
        assert {"compliant", *MISUSES} <= conditions
    decoys = [c for c in labels["cases"] if c["condition"].startswith("decoy")]
    assert len(decoys) == len(DECOYS) and all(not c["marks"] for c in decoys)
    for case in labels["cases"]:
        assert (root / case["file"]).is_file()
        for rule in case["rules"]:
            assert rule["mark"] is None or 0 <= rule["mark"] < len(case["marks"])


@pytest.mark.browser
def test_a_slice_scores_end_to_end(webset) -> None:
    root, labels = webset
    wanted = {"plain-compliant-300", "plain-too-small", "plain-cropped", "plain-missing-alt-text", "decoy-badge"}
    labels = {**labels, "cases": [c for c in labels["cases"] if c["id"] in wanted]}
    with serve_folder(root) as base:
        predictions = run_pages(base, labels["cases"], labels["on_date"])
    result = score(labels, predictions, with_rules=True)
    assert result["detection_recall"]["rate"] == 1.0
    assert result["marks_on_no_mark_cases"] == 0
    assert all(v["rate"] == 1.0 for v in result["rule_recall"].values()), result["missed_rules"]
    assert result["false_alarms_on_compliant"]["hits"] == 0
