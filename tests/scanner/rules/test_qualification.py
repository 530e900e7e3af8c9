import datetime

import pytest

from htq_mark.register import (
    EXAMPLE_ENTITLED_ID,
    EXAMPLE_FUTURE_ID,
    EXAMPLE_NOT_LISTED_ID,
    EXAMPLE_WITHDRAWN_ID,
    default_register,
)
from htq_mark.scanner._results import Mark
from htq_mark.scanner._rules import check_page_qualifications
from htq_mark.scanner._text import read_text_facts

REGISTER = default_register()
ON = datetime.date(2026, 11, 23)
MARK = Mark(id="m1", page=2, bbox=(10.0, 10.0, 100.0, 40.0), variant="colour", confidence=0.9, width_mm=30.0,
            width_px=None, rotation_deg=0.0, aspect_ratio_error=0.0, source="vector")


def _check(text: str, marks=(MARK,)):
    return check_page_qualifications(2, read_text_facts(text), list(marks), REGISTER, ON,
                                     lambda start, end: (float(start), 0.0, float(end), 1.0))


@pytest.mark.parametrize("text, rules", [
    (f"HNC (QN {EXAMPLE_ENTITLED_ID})", []),
    (f"HNC (QN {EXAMPLE_ENTITLED_ID}) and (QN {EXAMPLE_WITHDRAWN_ID})", ["not-entitled"]),
    (f"HNC (QN {EXAMPLE_WITHDRAWN_ID})", ["not-entitled", "no-qualification"]),
    (f"HNC (QN {EXAMPLE_FUTURE_ID}) and {EXAMPLE_NOT_LISTED_ID}",
     ["not-entitled", "not-entitled", "no-qualification"]),
    ("A page with the mark and no number", ["no-qualification"]),
])
def test_pages_showing_the_mark(text, rules):
    assert [f.rule for f in _check(text)] == rules


def test_not_entitled_names_the_qualification_date_and_reason():
    [found, _] = _check(f"QN {EXAMPLE_WITHDRAWN_ID}")
    assert found.severity == "error" and found.page == 2 and found.mark == "m1"
    assert EXAMPLE_WITHDRAWN_ID in found.message and "2026-11-23" in found.message
    assert "withdrawn" in found.details["reasons"]
    assert found.fix.endswith(f"htq-mark check {EXAMPLE_WITHDRAWN_ID} --date 2026-11-23")
    assert found.bbox[0] < found.bbox[2]  # boxed on the number in the text


def test_no_qualification_is_a_warning_on_the_mark():
    [found] = _check("nothing named")
    assert (found.severity, found.mark, found.bbox) == ("warning", "m1", MARK.bbox)
    assert "no qualification number" in found.message


@pytest.mark.parametrize("text, rules", [
    (f"A Higher Technical Qualification: QN {EXAMPLE_WITHDRAWN_ID}", ["not-entitled"]),
    (f"Our HTQ, QN {EXAMPLE_ENTITLED_ID}", []),
    (f"No claim here, just QN {EXAMPLE_WITHDRAWN_ID}", []),
    ("An HTQ without a number", []),
])
def test_claims_on_pages_without_the_mark(text, rules):
    found = _check(text, marks=())
    assert [f.rule for f in found] == rules
    if found:
        assert "claims HTQ status" in found[0].message and found[0].mark is None


def test_hostile_text_is_kept_as_data():
    text = f"<script>alert(1)</script> Higher Technical Qualification \u202e QN {EXAMPLE_WITHDRAWN_ID} \x00"
    [found] = _check(text, marks=())
    assert found.rule == "not-entitled" and "<script>" not in found.message
