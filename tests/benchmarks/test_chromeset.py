"""The part of the evaluation set laid out by Chromium: planned evenly, labelled from the layout, checked on pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.chromeset.generate import (
    CONDITIONS,
    MEDIA,
    NO_MARK_CASES,
    PLACEMENTS,
    SLOT,
    Planned,
    _check_label,
    _chromium,
    _make,
    _shown_share,
    page_html,
    plan,
)
from htq_mark.kit import Kit, load_kit


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit()


def test_every_condition_placement_and_medium_once_and_the_mark_in_its_clear_panel() -> None:
    planned = plan(3)
    assert planned == plan(3) and planned != plan(4)
    marked = [(p.condition, p.placement, p.medium) for p in planned if p.placement is not None]
    assert sorted(marked) == sorted((c, p, m) for c in CONDITIONS for p in PLACEMENTS for m in MEDIA)
    assert sum(p.placement is None for p in planned) == NO_MARK_CASES
    for p in planned:
        height = p.width_css / 3.2
        margin = 0.25 * height
        assert 0.25 <= p.hidden <= 0.45
        assert SLOT[0] + margin <= p.left and p.left + p.width_css + margin <= SLOT[0] + SLOT[2]
        assert SLOT[1] + margin <= p.top and p.top + height + margin <= SLOT[1] + SLOT[3]


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_the_page_places_the_mark_as_planned(kit: Kit, placement: str) -> None:
    p = Planned(1, "jpeg", placement, "overflow-clipped", "colour", 200.0, 480.0, 600.0, "left", 0.4)
    html = page_html(p, kit, 0)
    assert "overflow:hidden" in html and html.count('id=mark') == 1
    assert {"img": "<img id=mark", "svg": "<svg id=mark", "css-background": "background:url(data:image/svg"}[
        placement] in html


def test_pixels_that_disagree_with_the_label_stop_the_run() -> None:
    before = np.zeros((100, 200, 3), np.int16)
    after = before.copy()
    after[20:40, 60:150] = 200  # the mark shows over 90 of the box's 150 columns and all its rows
    shown = _shown_share(after, before, (0.0, 20.0, 150.0, 40.0))
    assert shown == pytest.approx((0.6, 1.0))
    clipped = Planned(1, "jpeg", "img", "covered", "colour", 150.0, 0.0, 20.0, "left", 0.4)
    _check_label(clipped, shown)
    with pytest.raises(RuntimeError, match="the label says"):
        _check_label(Planned(1, "jpeg", "img", "compliant", "colour", 150.0, 0.0, 20.0, "left", 0.4), shown)


@pytest.mark.browser
def test_a_covered_mark_is_printed_where_its_label_says(kit: Kit, tmp_path: Path) -> None:
    p = Planned(1, "pdf", "svg", "covered", "white", 220.0, 480.0, 620.0, "bottom", 0.3)
    (tmp_path / "cases").mkdir()
    with _chromium() as browser:
        case = _make(browser, p, kit, 0, tmp_path)
    (mark,) = case.marks
    assert case.unit == "pt" and (tmp_path / case.file).read_bytes().startswith(b"%PDF")
    assert mark.rules == ("cropped",) and mark.width == pytest.approx(220.0 * 0.75, abs=0.5)
    assert mark.corners[0] == pytest.approx((480.0 * 0.75, 620.0 * 0.75), abs=0.5)
    assert case.details["shown_share"] == pytest.approx([1.0, 0.7], abs=0.03)
