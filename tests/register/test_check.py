"""The entitlement decision: every reason code and the boundary dates."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace
from datetime import date, datetime, timedelta

import pytest

from htq_mark.errors import RegisterValidationError, UsageError
from htq_mark.register import (
    EXAMPLE_ENTITLED_ID,
    EXAMPLE_FUTURE_ID,
    EXAMPLE_NOT_LISTED_ID,
    EXAMPLE_OFS_ID,
    EXAMPLE_SCHEDULED_WITHDRAWAL_ID,
    EXAMPLE_WITHDRAWN_ID,
    REASON_CODES,
    QualificationRecord,
    Register,
)

from .factory import TODAY

DAY = timedelta(days=1)
FIRST_TEACHING = date(2023, 9, 1)
WITHDRAWN = date(2025, 3, 31)
REGULATED_END = date(2024, 8, 31)

BASE = QualificationRecord(
    qualification_id="999/2001/3",
    title="Test Level 4 Higher Technical Certificate in Surveying",
    awarding_body="Test Awards",
    level=4,
    route="Construction and the built environment",
    standards=("ST0253", "ST0280"),
    cycle=2,
    approval_date=date(2023, 1, 9),
    first_teaching_date=FIRST_TEACHING,
)
WITHDRAWN_RECORD = replace(BASE, qualification_id="999/2002/5", withdrawal_date=WITHDRAWN,
                           withdrawal_reason="occupational standard retired")
REGULATED_RECORD = replace(BASE, qualification_id="999/2003/7",
                           regulated_status="No longer available to learners",
                           regulated_end_date=REGULATED_END)
# Listed with a check character that does not match its digits (999/2004/9 is right).
MISTYPED_RECORD = replace(BASE, qualification_id="999/2004/8")
# Withdrawn before first teaching ever started.
WITHDRAWN_EARLY = replace(BASE, qualification_id="999/2006/2", withdrawal_date=date(2023, 6, 30),
                          withdrawal_reason="awarding body stopped offering it")
X_RECORD = replace(BASE, qualification_id="999/2013/X")
APPROVED = date(2023, 9, 17)
# Listed as first taught before it was approved: the mark waits for the approval.
APPROVED_LATE = replace(BASE, qualification_id="999/2007/4", approval_date=APPROVED)


@pytest.fixture(scope="module")
def register() -> Register:
    records = [BASE, WITHDRAWN_RECORD, REGULATED_RECORD, MISTYPED_RECORD, WITHDRAWN_EARLY,
               X_RECORD, APPROVED_LATE]
    return Register.from_records(records, source="test records", as_of=date(2026, 11, 1))


def test_record_ids_in_the_fixture_are_what_they_claim(register: Register) -> None:
    from htq_mark.register import parse_qualification_id

    assert parse_qualification_id(BASE.qualification_id).check_character_ok
    assert parse_qualification_id(MISTYPED_RECORD.qualification_id).check_character_ok is False
    assert len(register) == 7


@pytest.mark.parametrize(("qn", "on", "entitled", "codes"), [
    # first teaching: the day before is not entitled, the day itself is
    ("999/2001/3", FIRST_TEACHING - DAY, False, ("before-first-teaching",)),
    ("999/2001/3", FIRST_TEACHING, True, ("entitled",)),
    ("999/2001/3", date(2099, 1, 1), True, ("entitled",)),
    # approval: before it, not entitled though teaching has begun (before, this was entitled)
    ("999/2007/4", FIRST_TEACHING, False, ("before-approval",)),
    ("999/2007/4", APPROVED - DAY, False, ("before-approval",)),
    ("999/2007/4", APPROVED, True, ("entitled",)),
    ("999/2001/3", date(2023, 1, 8), False, ("before-approval", "before-first-teaching")),
    # withdrawal: entitled the day before, not on the day of withdrawal
    ("999/2002/5", WITHDRAWN - DAY, True, ("entitled",)),
    ("999/2002/5", WITHDRAWN, False, ("withdrawn",)),
    ("999/2002/5", WITHDRAWN + DAY, False, ("withdrawn",)),
    # regulated status: entitled on the end date, not after it
    ("999/2003/7", REGULATED_END, True, ("entitled",)),
    ("999/2003/7", REGULATED_END + DAY, False, ("regulated-status-ended",)),
    # every reason that applies is given
    ("999/2006/2", FIRST_TEACHING - DAY, False, ("before-first-teaching", "withdrawn")),
    ("999/2006/2", date(2023, 6, 29), False, ("before-first-teaching",)),
    # a wrong check character warns but never rejects
    ("999/2004/8", TODAY, True, ("check-character", "entitled")),
    ("999/2004/8", FIRST_TEACHING - DAY, False, ("before-first-teaching", "check-character")),
    ("999/2004/9", TODAY, False, ("not-on-register",)),
    ("999/2005/1", TODAY, False, ("not-on-register", "check-character")),
    ("not a number", TODAY, False, ("malformed-id",)),
    ("", TODAY, False, ("malformed-id",)),
])
def test_decisions_and_reasons(register: Register, qn: str, on: date, entitled: bool,
                               codes: tuple[str, ...]) -> None:
    result = register.check(qn, on=on)
    assert result.entitled is entitled
    assert result.codes == codes
    assert result.on == on


def test_every_reason_code_is_exercised_and_documented(register: Register) -> None:
    seen: set[str] = set()
    for qn, on in [("999/2001/3", FIRST_TEACHING - DAY), ("999/2002/5", WITHDRAWN),
                   ("999/2003/7", REGULATED_END + DAY), ("999/2004/8", TODAY),
                   ("999/9999/7", TODAY), ("junk", TODAY), ("999/2001/3", TODAY),
                   ("999/2007/4", FIRST_TEACHING)]:
        seen.update(register.check(qn, on=on).codes)
    # Ofqual data applied that does not list a qualification (here: data claimed, none given).
    unlisted = Register(register.records, replace(register.provenance, ofqual=register.provenance))
    seen.update(unlisted.check("999/2001/3", on=TODAY).codes)
    assert seen == set(REASON_CODES)


@pytest.mark.parametrize(("code", "severity"), [
    ("entitled", "info"), ("check-character", "warning"), ("withdrawn", "error"),
])
def test_severities(register: Register, code: str, severity: str) -> None:
    results = [register.check("999/2004/8", on=TODAY), register.check("999/2002/5", on=TODAY)]
    reasons = [reason for result in results for reason in result.reasons if reason.code == code]
    assert reasons and all(reason.severity == severity for reason in reasons)


@pytest.mark.parametrize("spelling", [
    "999/2013/X", "999/2013/x", "9992013X", "9992013x", "999 2013 X", "999-2013-x",
    "QN 999/2013/X", " 999/2013/X ",
])
def test_every_spelling_finds_the_record(register: Register, spelling: str) -> None:
    result = register.check(spelling, on=TODAY)
    assert result.entitled
    assert result.qualification_id == spelling
    assert result.normalised_id == "999/2013/X"
    assert result.record == X_RECORD
    assert spelling in register
    assert register.get(spelling) == X_RECORD


def test_messages_are_sentences_with_the_facts(register: Register) -> None:
    withdrawn = register.check("999/2002/5", on=TODAY).reasons[0].message
    assert "2025-03-31" in withdrawn and "occupational standard retired" in withdrawn
    entitled = register.check("999/2001/3", on=TODAY).reasons[0].message
    assert entitled == "approved in cycle 2 against ST0253, ST0280; first teaching 2023-09-01"
    before = register.check("999/2001/3", on=FIRST_TEACHING - DAY).reasons[0].message
    assert "2023-09-01" in before
    regulated = register.check("999/2003/7", on=TODAY).reasons[0].message
    assert "No longer available to learners" in regulated and "2024-08-31" in regulated
    check = register.check("999/2004/8", on=TODAY).reasons[0].message
    assert "call for 9, not 8" in check and "mistyped" in check


def test_entitled_message_warns_of_a_scheduled_withdrawal(register: Register) -> None:
    message = register.check("999/2002/5", on=WITHDRAWN - DAY).reasons[0].message
    assert "approval ends on 2025-03-31" in message


def test_not_listed_and_malformed_results_carry_no_record(register: Register) -> None:
    missing = register.check("603/7595/4", on=TODAY)
    assert (missing.normalised_id, missing.record) == ("603/7595/4", None)
    malformed = register.check("603/7595", on=TODAY)
    assert (malformed.normalised_id, malformed.record) == (None, None)
    assert "603/7595/4" in malformed.reasons[0].message  # shows what is expected


def test_results_carry_the_register_provenance(register: Register) -> None:
    result = register.check("999/2001/3", on=TODAY)
    assert result.register is register.provenance
    assert result.register.source == "test records"
    assert len(result.register.sha256) == 64


def test_to_dict_is_json_ready(register: Register) -> None:
    data = json.loads(json.dumps(register.check("9992002 5", on=TODAY).to_dict()))
    assert data["qualification_id"] == "9992002 5"
    assert data["normalised_id"] == "999/2002/5"
    assert data["entitled"] is False
    assert data["on"] == TODAY.isoformat()
    assert data["record"]["withdrawal_date"] == "2025-03-31"
    assert data["record"]["standards"] == ["ST0253", "ST0280"]
    assert data["reasons"] == [{"code": "withdrawn", "severity": "error",
                                "message": data["reasons"][0]["message"]}]
    assert data["register"]["source"] == "test records"


def test_describe_is_one_line_with_verdict_and_reasons(register: Register) -> None:
    line = register.check("9992002 5", on=TODAY).describe()
    assert "\n" not in line
    assert line.startswith("9992002 5 (999/2002/5): NOT ENTITLED on 2026-11-23 - [withdrawn]")


def test_results_are_frozen(register: Register) -> None:
    result = register.check("999/2001/3", on=TODAY)
    with pytest.raises(FrozenInstanceError):
        result.entitled = False  # type: ignore[misc]


def test_repeated_checks_agree_and_dates_do_not_leak(register: Register) -> None:
    first = register.check("999/2002/5", on=WITHDRAWN - DAY)
    again = register.check("999/2002/5", on=WITHDRAWN - DAY)
    later = register.check("999/2002/5", on=WITHDRAWN)
    assert first == again and first.entitled and not later.entitled
    for offset in range(10):  # more dates than are remembered at once
        register.check("999/2002/5", on=TODAY + offset * DAY)
    assert register.check("999/2002/5", on=WITHDRAWN - DAY).entitled


def test_a_datetime_counts_as_its_date(register: Register) -> None:
    result = register.check("999/2001/3", on=datetime(2023, 8, 31, 23, 59))
    assert result.on == date(2023, 8, 31)
    assert result.codes == ("before-first-teaching",)


@pytest.mark.parametrize("bad_date", [None, 20261123, "20261123", "2026-W48-1", "２０２６-１１-２３",
                                      " 2026-11-23"])
def test_a_date_that_is_not_a_date_is_a_usage_error(register: Register, bad_date: object) -> None:
    with pytest.raises(UsageError, match="is not a date in the form YYYY-MM-DD"):
        register.check("999/2001/3", on=bad_date)  # type: ignore[arg-type]


def test_a_day_the_calendar_lacks_is_a_usage_error_saying_so(register: Register) -> None:
    with pytest.raises(UsageError, match=r"'2026-02-30' is not a day of the calendar \(day is out of range"):
        register.check("999/2001/3", on="2026-02-30")


def test_a_date_may_be_given_as_text_as_scan_takes_it(register: Register) -> None:
    """Before, scan took "2026-11-23" and Register.check refused it."""
    assert register.check("999/2001/3", on="2023-09-01") == register.check("999/2001/3", on=FIRST_TEACHING)


@pytest.mark.parametrize("bad_id", [60375954, None, ["603/7595/4"]])
def test_an_id_that_is_not_text_is_a_usage_error(register: Register, bad_id: object) -> None:
    with pytest.raises(UsageError, match="not text"):
        register.check(bad_id, on=TODAY)  # type: ignore[arg-type]


def test_container_protocol(register: Register) -> None:
    assert len(register) == len(register.records) == len(list(register))
    assert "999/2001/3" in register and "99920013" in register
    assert "603/7595/4" not in register and "junk" not in register
    assert 60375954 not in register
    assert register.get("junk") is None and register.get("603/7595/4") is None
    assert "test records" in repr(register)


@pytest.mark.parametrize(("records", "problem"), [
    ([BASE, BASE], "twice"),
    ([replace(BASE, qualification_id="99920013")], "canonical"),
])
def test_register_rejects_duplicate_or_unnormalised_records(
        records: list[QualificationRecord], problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        Register.from_records(records)


@pytest.mark.parametrize(("change", "problems"), [
    ({"withdrawal_date": date(2020, 1, 1)}, ["[withdrawal_date] 2020-01-01 is before the approval date"]),
    ({"level": 99, "route": "Nowhere"}, ["[level] 99 is not valid", "[route] unknown route 'Nowhere'"]),
    ({"approval_date": "2023-01-09"}, ["[approval_date] is str, not date"]),
    ({"level": True}, ["[level] is bool, not int"]),
    ({"standards": ("ST0253", 7)}, ["[standards] holds int 7, not a str"]),
], ids=["withdrawn-before-approval", "level-and-route", "date-as-text", "bool-level", "standard-not-text"])
def test_records_built_in_code_are_checked_as_a_files_rows_are(change: dict[str, object],
                                                               problems: list[str]) -> None:
    """Before, anything was taken: a level of 99 on no route was "entitled", a date as text an AttributeError."""
    with pytest.raises(RegisterValidationError, match=r"in the records") as raised:
        Register.from_records([BASE, replace(BASE, qualification_id="999/2002/5", **change)])
    found = [str(problem) for problem in raised.value.problems]
    assert len(found) == len(problems) and all(f.startswith("(built in memory):2: ") for f in found), found
    assert all(expected in text for expected, text in zip(problems, found)), found


def test_a_regulated_end_on_the_last_day_there_is_means_no_end() -> None:
    """Ofqual's data may say 31/12/9999: a check then overflowed the calendar (OverflowError)."""
    record = replace(BASE, regulated_status="Available to learners", regulated_end_date=date.max)
    register = Register([record], Register.from_records([BASE]).provenance)
    assert register.check(BASE.qualification_id, on=date(9999, 12, 31)).entitled


# --- the built-in example register ---------------------------------------------

@pytest.mark.parametrize(("qn", "entitled", "codes"), [
    (EXAMPLE_ENTITLED_ID, True, ("entitled",)),
    (EXAMPLE_WITHDRAWN_ID, False, ("withdrawn",)),
    (EXAMPLE_SCHEDULED_WITHDRAWAL_ID, True, ("entitled",)),
    (EXAMPLE_FUTURE_ID, False, ("before-first-teaching",)),
    (EXAMPLE_NOT_LISTED_ID, False, ("not-on-register",)),
    (EXAMPLE_OFS_ID, True, ("entitled",)),
    ("603/7595/4", False, ("not-on-register",)),
])
def test_well_known_example_entries(example: Register, qn: str, entitled: bool,
                                    codes: tuple[str, ...]) -> None:
    result = example.check(qn, on=TODAY)
    assert (result.entitled, result.codes) == (entitled, codes)
    assert result.register.is_example


def test_example_not_on_register_says_how_to_load_the_official_list(example: Register) -> None:
    message = example.check(EXAMPLE_NOT_LISTED_ID, on=TODAY).reasons[0].message
    assert "HTQ_MARK_REGISTER=FILE" in message and "--" not in message  # the library names no flags


def test_scheduled_withdrawal_boundary_in_the_example(example: Register) -> None:
    assert example.check(EXAMPLE_SCHEDULED_WITHDRAWAL_ID, on=date(2027, 8, 30)).entitled
    assert not example.check(EXAMPLE_SCHEDULED_WITHDRAWAL_ID, on=date(2027, 8, 31)).entitled


def test_the_memo_stays_bounded_and_correct(monkeypatch: pytest.MonkeyPatch) -> None:
    import htq_mark.register._register as register_module

    monkeypatch.setattr(register_module, "_MEMO_ENTRIES_PER_DATE", 3)
    fresh = Register.from_records([BASE, WITHDRAWN_RECORD], as_of=date(2026, 11, 1))
    spellings = ["999/2001/3", "99920013", "999 2001 3", "999-2001-3", "999/2002/5", "junk"]
    for _ in range(3):
        results = [fresh.check(spelling, on=TODAY) for spelling in spellings]
        assert [r.entitled for r in results] == [True, True, True, True, False, False]
        assert [r.qualification_id for r in results] == spellings
    assert all(len(by_id) <= 3 for by_id in fresh._memo.values())
