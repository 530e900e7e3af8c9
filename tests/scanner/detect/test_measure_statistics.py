"""The measurement's fast statistics give exactly what NumPy (and the kit's colour functions) give."""

from __future__ import annotations

import numpy as np
import pytest

from htq_mark.kit.colour import delta_e, srgb_to_lab
from htq_mark.scanner.detect import measure as M


def _samples(seed: int, rows: int) -> list[np.ndarray]:
    """Continuous values, and values with many ties (where medians and percentiles are delicate)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(20, 10, rows), np.abs(rng.normal(0, 5, rows)), rng.integers(0, 6, rows) / 3.0,
            np.sqrt(rng.integers(0, 50, rows).astype(float))]


@pytest.mark.parametrize("rows", [1, 2, 3, 10, 11, 400, 4001])
def test_medians_and_spread_are_numpys(rows):
    for values in _samples(rows, rows):
        ordered = np.sort(values)
        assert M._median(values) == float(np.median(values))
        assert M._sorted_median(ordered) == float(np.median(values))
        assert M._std(values) == float(values.std())
        for centre in (float(np.median(values)), float(values[0]), 17.3):
            assert M._median_distance(ordered, centre) == float(np.median(np.abs(values - centre)))
        columns = np.stack([values, values[::-1], values * 0.5], axis=1)
        assert np.array_equal(M._column_medians(columns), np.median(columns, axis=0))


@pytest.mark.parametrize("percentile", [0.0, 5.0, 50.0, 80.0, 95.0, 100.0])
@pytest.mark.parametrize("rows", [1, 2, 7, 60, 999])
def test_row_percentiles_are_numpys(percentile, rows):
    for values in _samples(rows + 1, 3 * rows):
        table = values.reshape(3, rows)
        assert np.array_equal(M._row_percentiles(table, percentile), np.percentile(table, percentile, axis=1))


@pytest.mark.parametrize("seed", range(4))
def test_lab_and_colour_distance_are_the_kits(seed):
    rng = np.random.default_rng(seed)
    levels = rng.integers(0, 256, (3000, 3), dtype=np.uint8)
    lab = M._lab_of_levels(levels)
    assert np.array_equal(lab, srgb_to_lab(levels.astype(np.float64)))
    assert np.array_equal(M._delta_e(lab[:, None], lab[None, :7]), delta_e(lab[:, None], lab[None, :7]))


@pytest.mark.parametrize("spread", [0.5, 2.0, 3.0, 3.5, 4.0, 6.0, 12.0])
def test_flat_backgrounds_are_judged_as_by_the_percentile(spread):
    rng = np.random.default_rng(int(spread * 10))
    for rows in (5, 50, 500):
        lab = rng.normal(0, spread, (rows, 3)) + (50.0, 10.0, -5.0)
        spreads = delta_e(lab, np.median(lab, axis=0)[None])
        expected = float(np.percentile(spreads, M.FLAT_PERCENTILE)) < M.FLAT_DELTA_E
        assert M._is_flat_lab(lab) == expected
