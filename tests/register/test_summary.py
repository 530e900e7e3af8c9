"""The register summary behind `register info`."""

from __future__ import annotations

import json

from htq_mark.register import Register, summarise_register

from .factory import TODAY


def test_summary_counts_add_up(example: Register) -> None:
    summary = summarise_register(example, TODAY)
    assert summary.records == len(example)
    assert sum(count for _route, count in summary.by_route) == len(example)
    assert sum(count for _cycle, count in summary.by_cycle) == len(example)
    assert sum(count for _level, count in summary.by_level) == len(example)
    assert summary.entitled + summary.withdrawn + summary.not_yet_taught <= len(example)
    assert summary.ofs_ids == 6


def test_summary_text_and_json_name_the_source_and_example_status(example: Register) -> None:
    summary = summarise_register(example, TODAY)
    text = summary.describe()
    assert text.splitlines()[0].startswith("EXAMPLE DATA - not the official list")
    assert example.provenance.sha256 in text and "as of:    2026-11-01" in text
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["register"]["is_example"] is True
    assert data["by_cycle"]["1"] == 12
    assert data["on"] == "2026-11-23"


def test_a_qualification_not_yet_approved_is_counted(example: Register) -> None:
    """Before, one taught before its approval was in no count on the days between."""
    from dataclasses import replace
    from datetime import date

    early = replace(example.records[0], approval_date=date(2022, 10, 1), first_teaching_date=date(2022, 9, 1))
    register = Register.from_records([early])
    summary = summarise_register(register, date(2022, 9, 5))
    assert (summary.entitled, summary.not_yet_approved, summary.not_yet_taught) == (0, 1, 0)
    assert "1 not yet approved" in summary.describe() and summary.to_dict()["not_yet_approved"] == 1
