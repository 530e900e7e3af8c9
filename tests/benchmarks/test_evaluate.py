"""The scorer of the evaluation set: matching rule, recall, precision, rule recall, false alarms."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.evaluate import (
    RECALL_TARGET_CONDITION,
    RECALL_TARGET_OVERALL,
    RULE_RECALL_TARGET,
    Prediction,
    Reported,
    match_marks,
    matches,
    render_markdown,
    score,
)


@pytest.mark.parametrize(
    ("expected", "reported", "match"),
    [
        ((0, 0, 100, 30), (0, 0, 100, 30), True),             # identical
        ((0, 0, 100, 30), (10, 3, 110, 33), True),            # IoU 0.68
        ((0, 0, 100, 100), (40, 40, 140, 140), True),         # IoU 0.22, but centre inside and same size
        ((0, 0, 100, 100), (40, 40, 170, 170), False),        # centre inside, 30% too big
        ((0, 0, 100, 100), (101, 0, 201, 100), False),        # beside it
        ((0, 0, 100, 100), (20, 20, 80, 80), False),          # inside but 40% too small, IoU 0.36
    ],
)
def test_matching_rule(expected: tuple[float, ...], reported: tuple[float, ...], match: bool) -> None:
    assert matches(expected, reported) is match  # type: ignore[arg-type]


def test_matching_is_one_to_one_and_prefers_the_best_overlap() -> None:
    expected = [{"page": 1, "bbox": [0, 0, 100, 30]}, {"page": 1, "bbox": [0, 40, 100, 70]}]
    reported = [Reported("m1", 1, (0, 2, 100, 32), None, 0.9), Reported("m2", 1, (0, 1, 100, 31), None, 0.9)]
    assert match_marks(expected, reported) == {0: 1}


def test_marks_on_other_pages_do_not_match() -> None:
    expected = [{"page": 2, "bbox": [0, 0, 100, 30]}]
    assert match_marks(expected, [Reported("m1", 1, (0, 0, 100, 30), None, 0.9)]) == {}


def _mark(bbox: list[float], rules: list[str], conditions: list[str]) -> dict[str, Any]:
    x0, y0, x1, y1 = bbox
    return {"page": 1, "bbox": bbox, "corners": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], "width": x1 - x0,
            "width_mm": None, "rules": rules, "conditions": conditions}


LABELS: dict[str, Any] = {
    "size": "test", "seed": 0, "on_date": "2026-11-23", "target_conditions": ["compliant", "small"],
    "cases": [
        {"id": "c1", "unit": "px", "medium": "png", "condition": "compliant", "conditions": ["compliant", "png"],
         "marks": [_mark([10, 10, 330, 110], [], ["compliant"])], "rules": [], "details": {}},
        {"id": "c2", "unit": "px", "medium": "png", "condition": "small", "conditions": ["small", "png"],
         "marks": [_mark([50, 50, 130, 75], ["too-small"], ["small"])],
         "rules": [{"rule": "too-small", "severity": "error", "page": 1, "mark": 0}], "details": {}},
        {"id": "c3", "unit": "px", "medium": "png", "condition": "no-mark", "conditions": ["no-mark", "png"],
         "marks": [], "rules": [], "details": {}},
    ],
}


def _finding(rule: str, mark: str | None, severity: str = "error") -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "page": 1, "mark": mark, "bbox": None, "message": rule}


def _perfect() -> list[Prediction]:
    return [
        Prediction("c1", "ok", (Reported("m1", 1, (11, 10, 331, 111), "colour", 0.9),)),
        Prediction("c2", "ok", (Reported("m1", 1, (50, 50, 130, 75), "colour", 0.9),),
                   (_finding("too-small", "m1"),)),
        Prediction("c3", "ok"),
    ]


def test_a_perfect_scan_scores_full_marks() -> None:
    result = score(LABELS, _perfect(), with_rules=True)
    assert result["detection_recall"]["rate"] == 1.0
    assert result["mark_precision"]["rate"] == 1.0
    assert result["rule_recall"]["too-small"]["rate"] == 1.0
    assert result["false_alarms_on_compliant"]["rate"] == 0.0
    assert result["marks_on_no_mark_cases"] == 0
    assert result["recall_by_condition"]["small"] == {"hits": 1, "total": 1, "rate": 1.0, "target": True}
    assert set(result["recall_by_size"]) == {"px 48-90", "px 300-600"}


def test_misses_spurious_marks_and_false_alarms_are_counted() -> None:
    predictions = _perfect()
    predictions[0] = Prediction("c1", "ok", (Reported("m1", 1, (11, 10, 331, 111), "colour", 0.9),),
                                (_finding("clear-space", "m1"), _finding("no-qualification", None, "warning")))
    predictions[1] = Prediction("c2", "ok")
    predictions[2] = Prediction("c3", "ok", (Reported("m1", 1, (0, 0, 90, 30), None, 0.7),))
    result = score(LABELS, predictions, with_rules=True)
    assert result["detection_recall"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert result["mark_precision"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert result["rule_recall"]["too-small"]["rate"] == 0.0
    assert result["false_alarms_on_compliant"] == {"hits": 1, "total": 1, "rate": 1.0}
    assert result["false_alarm_rules"] == {"clear-space": 1}
    assert result["marks_on_no_mark_cases"] == 1
    assert result["missed_marks"] and result["spurious_marks"] and result["missed_rules"] == ["c2 too-small"]


def test_an_unreadable_case_is_listed() -> None:
    predictions = _perfect()
    predictions[2] = Prediction("c3", "error", error="unreadable: damaged")
    result = score(LABELS, predictions, with_rules=False)
    assert result["unreadable"] == ["c3: error unreadable: damaged"]
    assert result["rule_recall"] is None


def test_markdown_has_the_summary_condition_size_and_rule_tables() -> None:
    result = score(LABELS, _perfect(), with_rules=True)
    result.update(mode="scan", jobs=1, seconds=1.0, set="test", seed=0)
    text = render_markdown(result)
    assert f"| detection recall | 1.000 (2/2) | >= {RECALL_TARGET_OVERALL} | yes |" in text
    assert f"| small | 1.000 (1/1) | >= {RECALL_TARGET_CONDITION} | yes |" in text
    assert f"| `too-small` | 1.000 (1/1) | >= {RULE_RECALL_TARGET} | yes |" in text
    assert "| px 48-90 | 1.000 (1/1) |" in text
