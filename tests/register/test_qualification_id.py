"""Parsing, normalising and finding qualification IDs."""

from __future__ import annotations

import pytest

from htq_mark.errors import MalformedQualificationIdError, UsageError
from htq_mark.register import (
    find_qualification_ids,
    normalise_qualification_id,
    ofqual_check_character,
    parse_qualification_id,
)


@pytest.mark.parametrize("qn", ["601/2977/3", "603/7595/4", "500/1522/9", "603/0862/X"])
def test_known_real_numbers_satisfy_the_check_character(qn: str) -> None:
    digits = qn[:3] + qn[4:8]
    assert ofqual_check_character(digits) == qn[-1]
    assert parse_qualification_id(qn).check_character_ok is True


@pytest.mark.parametrize("digits", ["123456", "12345678", "12345a7", "١٢٣٤٥٦٧"])
def test_check_character_needs_seven_ascii_digits(digits: str) -> None:
    with pytest.raises(MalformedQualificationIdError, match="seven digits"):
        ofqual_check_character(digits)


@pytest.mark.parametrize(("text", "canonical"), [
    ("603/7595/4", "603/7595/4"),
    ("60375954", "603/7595/4"),
    ("603 7595 4", "603/7595/4"),
    ("603-7595-4", "603/7595/4"),
    ("603.7595.4", "603/7595/4"),
    ("603_7595_4", "603/7595/4"),
    ("603 / 7595 / 4", "603/7595/4"),
    ("603\\7595\\4", "603/7595/4"),
    ("603\u20137595\u20134", "603/7595/4"),      # en dashes from a word processor
    ("603\u00a07595\u00a04", "603/7595/4"),      # non-breaking spaces
    ("  603/7595/4\n", "603/7595/4"),
    ("QN 603/7595/4", "603/7595/4"),
    ("QN: 60375954", "603/7595/4"),
    ("qan 603-7595-4", "603/7595/4"),
    ("603/0862/x", "603/0862/X"),
    ("6030862x", "603/0862/X"),
    ("603/7595/5", "603/7595/5"),                # wrong check character: kept, not rejected
    ("10012345:HTQ-DIG-01", "10012345:HTQ-DIG-01"),
    ("10012345:htq-dig-01", "10012345:HTQ-DIG-01"),
    ("10012345 : htq_dig.01", "10012345:HTQ_DIG.01"),
    ("UKPRN 10012345:ab1", "10012345:AB1"),
    ("UKPRN: 10012345:AB1", "10012345:AB1"),
])
def test_every_accepted_spelling_normalises(text: str, canonical: str) -> None:
    assert normalise_qualification_id(text) == canonical


@pytest.mark.parametrize(("text", "scheme", "check_ok"), [
    ("603/7595/4", "ofqual", True),
    ("603/7595/5", "ofqual", False),
    ("10012345:HTQ1", "ofs", None),
])
def test_parse_reports_scheme_and_check_character(text: str, scheme: str,
                                                  check_ok: bool | None) -> None:
    qid = parse_qualification_id(text)
    assert (qid.scheme, qid.check_character_ok) == (scheme, check_ok)
    assert str(qid) == qid.canonical


def test_expected_check_character_is_given_for_ofqual_numbers_only() -> None:
    assert parse_qualification_id("603/7595/5").expected_check_character == "4"
    assert parse_qualification_id("10012345:A").expected_check_character is None


@pytest.mark.parametrize(("text", "problem"), [
    ("", "is empty"),
    ("   ", "is empty"),
    ("603/7595", "has 7 digits where an Ofqual number has eight"),
    ("6037595", "has 7 digits"),
    ("603/75954/1", "has 9 digits"),
    ("603/7595/4/1", "has 9 digits"),
    ("603/7595/A", "not a qualification ID"),
    ("60/37595/4", "groups its digits wrongly"),
    ("ABC/DEFG/H", "not a qualification ID"),
    ("603 7595 4 extra", "not a qualification ID"),
    ("20012345:HTQ1", "not a qualification ID"),      # a UKPRN starts with 1
    ("1001234:HTQ1", "not a qualification ID"),       # seven digits
    ("10012345:", "not a qualification ID"),
    ("10012345:-HTQ", "not a qualification ID"),
    ("10012345:" + "A" * 41, "not a qualification ID"),
    ("٦٠٣/٧٥٩٥/٤", "not a qualification ID"),          # non-ASCII digits
    ("x" * 500, "not a qualification ID"),
])
def test_malformed_ids_are_rejected_with_an_example(text: str, problem: str) -> None:
    with pytest.raises(MalformedQualificationIdError, match=problem) as caught:
        normalise_qualification_id(text)
    assert "603/7595/4" in str(caught.value)
    assert isinstance(caught.value, UsageError)
    assert caught.value.code == "malformed-id"


def test_long_malformed_text_is_shortened_in_the_message() -> None:
    with pytest.raises(MalformedQualificationIdError) as caught:
        normalise_qualification_id("y" * 500)
    assert "y" * 100 not in str(caught.value)


def test_non_text_is_malformed_not_a_crash() -> None:
    with pytest.raises(MalformedQualificationIdError, match="not text"):
        parse_qualification_id(60375954)  # type: ignore[arg-type]


# --- finding IDs in text --------------------------------------------------------

@pytest.mark.parametrize(("text", "found"), [
    ("QN 603/7595/4 is approved", ["603/7595/4"]),
    ("(603/7595/4)", ["603/7595/4"]),
    ("603/7595/4.", ["603/7595/4"]),
    ("603 / 7595 / 4", ["603/7595/4"]),
    ("603/7595/5 has a typo", ["603/7595/5"]),          # obliques: reported even if wrong
    ("course 603 7595 4 starts", ["603/7595/4"]),
    ("course 603-7595-4 starts", ["603/7595/4"]),
    ("course 603.7595.4 starts", ["603/7595/4"]),
    ("ref 60375954 here", ["603/7595/4"]),
    ("ref 6030862X here", ["603/0862/X"]),
    ("QN: 60375955", ["603/7595/5"]),                    # labelled: reported even if wrong
    ("Qualification number 603-7595-5", ["603/7595/5"]),
    ("Ofqual ref 603 7595 5", ["603/7595/5"]),
    ("UKPRN 10012345:HTQ-DIG-01 runs", ["10012345:HTQ-DIG-01"]),
    ("two: 601/2977/3 and 500/1522/9", ["601/2977/3", "500/1522/9"]),
    ("Line one\n603/7595/4\nline three", ["603/7595/4"]),
    ("QN 603/7595/\r\n4 (level 4)", ["603/7595/4"]),       # wrapped at an oblique, as a PDF's text gives it
    ("QN 603/\n7595/4", ["603/7595/4"]),
    ("QN 603 /\n 7595 / 4", ["603/7595/4"]),
    ("QN 603/\n7595/\n4", ["603/7595/4"]),
])
def test_finds_ids_in_text(text: str, found: list[str]) -> None:
    assert [canonical for canonical, _start, _end in find_qualification_ids(text)] == found


@pytest.mark.parametrize("text", [
    "call 0161 603 7595 4 now",          # a phone number continues before it
    "call 020 7946 0958",
    "call 0800 123 4567",
    "mobile 07700 900123",
    "+44 20 7946 0958",
    "tel 603 7595 4 12",                  # and after it
    "ISBN 978-0-306-40615-7",
    "ISBN 0-306-40615-2",
    "dated 20230901 in the file",          # an unseparated date, even with a matching check
    "603 7595 5 without a label",         # other separators need a matching check character
    "603-7595-5",
    "60375955 unlabelled",
    "order 1603/7595/4",                  # inside a longer run of digits
    "A603/7595/4",
    "603/7595/4A",
    "12/603/7595/4",                      # part of a longer oblique-separated number
    "603/7595/4/2",
    "603/\n\n7595/4",                      # a paragraph between: not one number
    "603\n/\n7595/4",                       # a break either side of one oblique
    "Totals 123456789 and 1234567",
    "version 10.30.2024",
    "time 10:30:00",
])
def test_does_not_fire_on_numbers_that_are_not_ids(text: str) -> None:
    assert find_qualification_ids(text) == []


def test_spans_cover_the_id_as_written() -> None:
    text = "Apply now: QN 603 7595 4, or UKPRN 10012345:HTQ1."
    found = find_qualification_ids(text)
    assert [text[start:end] for _canonical, start, end in found] == [
        "603 7595 4", "10012345:HTQ1"]


def test_finding_is_linear_on_long_digit_runs() -> None:
    text = ("1234567 " * 5000) + "603/7595/4"
    assert find_qualification_ids(text)[-1][0] == "603/7595/4"
