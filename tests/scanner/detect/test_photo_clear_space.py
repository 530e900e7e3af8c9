"""A photograph's own edges are not content in a mark's clear space; a dot's or a bar's are.

The photographs are those of the evaluation set's cases where the blended edge
between two areas of a photo was once taken for an object reaching into the clear
space: each case is drawn again by the set's own code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.evalset.generate import build_context, make_case
from benchmarks.evalset.plan import plan_cases
from benchmarks.evalset.preview import load_page
from htq_mark.kit import Kit
from htq_mark.scanner._detect import References, find_marks
from htq_mark.scanner._rules.placement import EDGE_SPILL_PX

SCAN_DPI = 200.0


@pytest.mark.parametrize(("seed", "case_id"), [
    (1, "e0189"),  # a white mark on a dark photo: a green area meets a blue one on the right
    (2, "e0024"),  # a white mark: a purple area meets a brown one across the top
])
def test_edges_within_a_photograph_do_not_reach_into_the_clear_space(seed: int, case_id: str, kit: Kit,
                                                                     refs: References, tmp_path: Path) -> None:
    [planned] = [p for p in plan_cases("full") if p.id == case_id]
    case, data = make_case(planned, seed, build_context(seed=seed, kit=kit))
    labels = case.to_dict()
    assert labels["rules"] == [] and labels["marks"][0]["details"].get("baked_into_photo")
    path = tmp_path / Path(labels["file"]).name
    path.write_bytes(data)
    image, _ = load_page(path, labels["unit"], dpi=SCAN_DPI)
    [detection] = find_marks(image, refs, spec=kit.spec)
    measured = detection.measurements
    allowed = max(EDGE_SPILL_PX, kit.spec.scan.clear_space_min_depth * measured.clear_space_required_px)
    assert max(measured.clear_space_intrusion_px.values()) <= allowed
    assert measured.clear_space_intrusion <= kit.spec.scan.clear_space_min_intrusion
