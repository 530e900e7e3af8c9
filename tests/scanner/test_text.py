import pytest

from htq_mark.scanner._text import read_text_facts


@pytest.mark.parametrize("text, ids", [
    ("HNC Digital (QN 999/1001/9)", ("999/1001/9",)),
    ("QN: 999 1001 9 and 999-2005-0", ("999/1001/9", "999/2005/0")),
    ("Course 99910019 twice 999/1001/9", ("999/1001/9",)),
    ("Call 0161 496 0000 on 2026/11/23", ()),
    ("", ()),
])
def test_qualification_ids_in_every_spelling(text, ids):
    assert read_text_facts(text).qualification_ids == ids


@pytest.mark.parametrize("text, claims", [
    ("A Higher Technical Qualification in ...", ["Higher Technical Qualification"]),
    ("HIGHER  TECHNICAL\nQUALIFICATIONS for all", ["HIGHER  TECHNICAL\nQUALIFICATIONS"]),
    ("Our HTQ and HTQs.", ["HTQ", "HTQs"]),
    ("htq in lower case, HTQX, XHTQ, and a higher technical college", []),
])
def test_claims_of_htq_status(text, claims):
    assert [c.written for c in read_text_facts(text).claims] == claims


def test_mentions_know_where_they_are():
    text = "Apply: QN 999/1001/9."
    [mention] = read_text_facts(text).mentions
    assert "999/1001/9" in text[mention.start:mention.end] and mention.written == text[mention.start:mention.end]
