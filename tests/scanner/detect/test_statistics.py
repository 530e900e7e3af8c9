"""The fast statistics give exactly what NumPy gives."""

from __future__ import annotations

import numpy as np
import pytest

from htq_mark.scanner._detect import statistics as S


def _samples(seed: int, rows: int) -> list[np.ndarray]:
    """Continuous values, and values with many ties (where medians and percentiles are delicate)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(20, 10, rows), np.abs(rng.normal(0, 5, rows)), rng.integers(0, 6, rows) / 3.0,
            np.sqrt(rng.integers(0, 50, rows).astype(float))]


@pytest.mark.parametrize("rows", [1, 2, 3, 10, 11, 400, 4001])
def test_medians_and_spread_are_numpys(rows):
    for values in _samples(rows, rows):
        ordered = np.sort(values)
        assert S.median(values) == float(np.median(values))
        assert S.sorted_median(ordered) == float(np.median(values))
        assert S.std(values) == float(values.std())
        for centre in (float(np.median(values)), float(values[0]), 17.3):
            assert S.median_distance(ordered, centre) == float(np.median(np.abs(values - centre)))
        columns = np.stack([values, values[::-1], values * 0.5], axis=1)
        assert np.array_equal(S.column_medians(columns), np.median(columns, axis=0))


@pytest.mark.parametrize("percentile", [0.0, 5.0, 50.0, 80.0, 95.0, 100.0])
@pytest.mark.parametrize("rows", [1, 2, 7, 60, 999])
def test_row_percentiles_are_numpys(percentile, rows):
    for values in _samples(rows + 1, 3 * rows):
        table = values.reshape(3, rows)
        assert np.array_equal(S.row_percentiles(table, percentile), np.percentile(table, percentile, axis=1))
