"""The facts stamped into every file, and where the date comes from."""

from __future__ import annotations

import datetime as dt

import pytest
from defusedxml.ElementTree import fromstring

from htq_mark.errors import UsageError
from htq_mark.generator._metadata import HTQ_NAMESPACE, AssetMetadata, source_date

FACTS = AssetMetadata(title="HTQ quality mark (Full colour)", variant="colour", kit_name="Kit <&> \"one\"",
                      kit_version="1.0.0", kit_sha256="a" * 64, qualification="603/7595/4",
                      qualification_date=dt.date(2026, 1, 2),
                      created=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc))


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, None),
    ({"SOURCE_DATE_EPOCH": ""}, None),
    ({"SOURCE_DATE_EPOCH": "0"}, dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
    ({"SOURCE_DATE_EPOCH": "1700000000"}, dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)),
])
def test_the_build_date_comes_only_from_source_date_epoch(environ: dict[str, str],
                                                          expected: dt.datetime | None) -> None:
    assert source_date(environ) == expected


@pytest.mark.parametrize("value", ["yesterday", "1.5", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        source_date({"SOURCE_DATE_EPOCH": value})


def test_facts_in_order_and_only_those_set() -> None:
    assert list(FACTS.to_dict()) == ["title", "variant", "kit", "kit_version", "kit_sha256", "tool",
                                     "qualification", "qualification_date", "created"]
    bare = AssetMetadata(title="t", variant="black", kit_name="k", kit_version="1", kit_sha256="b")
    assert set(bare.to_dict()) == {"title", "variant", "kit", "kit_version", "kit_sha256", "tool"}
    assert FACTS.to_dict()["created"] == "2024-05-06T07:08:09Z"
    assert "qualification 603/7595/4" in FACTS.summary


def test_the_xmp_packet_is_well_formed_and_escaped() -> None:
    root = fromstring(FACTS.xmp_packet())
    values = {element.tag: element.text for element in root.iter()}
    assert values[f"{{{HTQ_NAMESPACE}}}kit"] == 'Kit <&> "one"'
    assert values[f"{{{HTQ_NAMESPACE}}}qualification"] == "603/7595/4"
    assert values["{http://ns.adobe.com/xap/1.0/}CreateDate"] == "2024-05-06T07:08:09Z"
