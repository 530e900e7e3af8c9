"""The built-in example register: what it holds and that the shipped file is current."""

from __future__ import annotations

from collections import Counter

import pytest

from htq_mark.register import (
    CYCLES,
    ROUTES,
    Register,
    normalise_qualification_id,
    parse_qualification_id,
)
from htq_mark.register._example import example_register_bytes
from htq_mark.register._example_data import build_example_records, example_register_csv, main

from .factory import TODAY


def test_the_shipped_file_is_what_the_generator_makes() -> None:
    assert example_register_bytes() == example_register_csv()
    assert example_register_csv() == example_register_csv()  # deterministic


def test_generator_check_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["--bogus"]) == 2


def test_records_match_the_generator(example: Register) -> None:
    assert example.records == build_example_records()


def test_provenance_says_it_is_example_data(example: Register) -> None:
    provenance = example.provenance
    assert provenance.is_example
    assert provenance.as_of.isoformat() == "2026-11-01"
    assert provenance.rows == len(example)
    assert provenance.describe().startswith(
        "EXAMPLE DATA - not the official list; load the official list by naming its file "
        "(HTQ_MARK_REGISTER=FILE)")


def test_about_120_rows_with_ids_no_real_qualification_uses(example: Register) -> None:
    assert 110 <= len(example) <= 130
    for record in example.records:
        qid = parse_qualification_id(record.qualification_id)
        assert normalise_qualification_id(record.qualification_id) == record.qualification_id
        if qid.scheme == "ofqual":
            assert record.qualification_id.startswith("999/")
            assert qid.check_character_ok
        else:
            assert record.qualification_id.startswith("1999")


def test_spread_over_routes_cycles_and_levels(example: Register) -> None:
    records = example.records
    assert {r.route for r in records} == {route.name for route in ROUTES}
    assert {r.cycle for r in records} == set(CYCLES)
    assert {r.level for r in records} == {4, 5}
    assert Counter(r.scheme for r in records)["ofs"] >= 3
    assert any(r.qualification_id.endswith("X") for r in records)
    assert any(len(r.standards) > 1 for r in records)


def test_some_withdrawn_for_various_reasons_and_some_not_yet_taught(example: Register) -> None:
    withdrawn = [r for r in example.records if r.withdrawal_date is not None]
    assert len(withdrawn) >= 8
    assert len({r.withdrawal_reason for r in withdrawn}) >= 4
    future = [r for r in example.records if r.first_teaching_date > TODAY]
    assert 3 <= len(future) <= 6
    codes = Counter(code for r in example.records
                    for code in example.check(r.qualification_id, on=TODAY).codes)
    assert codes["withdrawn"] >= 8 and codes["before-first-teaching"] == len(future)
    assert codes["entitled"] > len(example) // 2


def test_names_are_fictional(example: Register) -> None:
    real_bodies = ("Pearson", "City & Guilds", "NCFE", "OCR", "AQA", "BTEC", "Edexcel")
    for record in example.records:
        assert not any(name in f"{record.title} {record.awarding_body}" for name in real_bodies)
