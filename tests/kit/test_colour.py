"""Colour science against published reference values."""

from __future__ import annotations

import numpy as np
import pytest

from htq_mark.kit._colour import (
    contrast_ratio,
    delta_e,
    relative_luminance,
    srgb_to_lab,
)


@pytest.mark.parametrize(("rgb", "lab"), [
    ((255, 255, 255), (100.0, 0.0, 0.0)),
    ((0, 0, 0), (0.0, 0.0, 0.0)),
    ((255, 0, 0), (53.24, 80.09, 67.20)),
    ((0, 0, 255), (32.30, 79.19, -107.86)),
    ((128, 128, 128), (53.59, 0.0, 0.0)),
])
def test_srgb_to_lab_matches_reference_values(rgb: tuple[int, int, int], lab: tuple[float, float, float]) -> None:
    assert np.allclose(srgb_to_lab(np.array(rgb)), lab, atol=0.05)


def test_lab_works_on_arrays_of_any_shape() -> None:
    image = np.zeros((4, 5, 3), np.uint8)
    image[..., 0] = 255
    lab = srgb_to_lab(image)
    assert lab.shape == (4, 5, 3)
    assert np.allclose(lab[..., 0], 53.24, atol=0.05)


@pytest.mark.parametrize(("rgb", "luminance"), [
    ((255, 255, 255), 1.0), ((0, 0, 0), 0.0), ((255, 0, 0), 0.2126), ((0, 255, 0), 0.7152),
    ((11, 37, 69), 0.0182),
])
def test_relative_luminance_is_wcag(rgb: tuple[int, int, int], luminance: float) -> None:
    assert float(relative_luminance(np.array(rgb))) == pytest.approx(luminance, abs=5e-4)


@pytest.mark.parametrize(("a", "b", "ratio"), [(1.0, 0.0, 21.0), (0.0, 1.0, 21.0), (0.5, 0.5, 1.0),
                                               (0.18, 0.0, 4.6)])
def test_contrast_ratio_is_wcag_and_symmetric(a: float, b: float, ratio: float) -> None:
    assert float(contrast_ratio(a, b)) == pytest.approx(ratio, abs=1e-9)


def test_delta_e_is_euclidean_in_lab() -> None:
    assert float(delta_e((50, 0, 0), (50, 3, 4))) == pytest.approx(5.0)
    assert np.allclose(delta_e(np.zeros((2, 3)), np.ones((2, 3))), np.sqrt(3))


def test_delta_e_broadcasts_like_the_arrays_it_is_given() -> None:
    rng = np.random.default_rng(0)
    many, few = rng.normal(0, 40, (50, 3)), rng.normal(0, 40, (4, 3))
    distances = delta_e(many[:, None], few[None])
    assert distances.shape == (50, 4)
    assert np.allclose(distances, np.linalg.norm(many[:, None] - few[None], axis=-1), rtol=1e-14, atol=0)
