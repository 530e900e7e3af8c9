"""Pose geometry: corners, angles, matrices and visibility."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from htq_mark.scanner._detect.model import Pose


def _pose(angle_deg: float, width: float = 320.0, height: float = 100.0) -> Pose:
    theta = math.radians(angle_deg)
    x_axis = (width * math.cos(theta), -width * math.sin(theta))
    y_axis = (height * math.sin(theta), height * math.cos(theta))
    return Pose((100.0, 200.0), x_axis, y_axis)


@pytest.mark.parametrize("angle", [0.0, 37.0, 90.0, -90.0, 179.0, 180.0, -135.0])
def test_rotation_is_counter_clockwise_as_seen(angle: float) -> None:
    expected = 180.0 if angle in (180.0, -180.0) else angle
    assert _pose(angle).rotation_deg == pytest.approx(expected)


@pytest.mark.parametrize("angle", [0.0, 37.0, 90.0, 180.0, -135.0])
def test_a_mirrored_pose_covers_the_same_rectangle_flipped_with_the_rotation_it_is_turned_by(angle: float) -> None:
    pose = _pose(angle)
    flipped = pose.mirror()
    assert not pose.mirrored and flipped.mirrored and not flipped.mirror().mirrored
    assert np.allclose(np.array(flipped.mirror().corners), np.array(pose.corners))
    assert set(np.round(np.array(flipped.corners), 6).flat) == set(np.round(np.array(pose.corners), 6).flat)
    assert np.allclose(flipped.corners[0], pose.corners[1])  # its top-left is where the top-right was
    assert flipped.rotation_deg == pytest.approx(pose.rotation_deg)
    assert Pose.from_matrix(flipped.matrix(64, 20), 64, 20).mirrored  # the placement keeps the flip


def test_a_partly_shown_pose_mirrored_shows_the_same_part_of_the_picture() -> None:
    shown = Pose((0.0, 0.0), (320.0, 0.0), (0.0, 100.0), (0.0, 0.0, 0.6, 1.0))  # its left 60% in view
    assert shown.mirror().shown == pytest.approx((0.4, 0.0, 1.0, 1.0))


def test_corners_width_height_and_centre() -> None:
    pose = _pose(0.0)
    assert pose.corners == ((100.0, 200.0), (420.0, 200.0), (420.0, 300.0), (100.0, 300.0))
    assert (pose.width, pose.height) == (320.0, 100.0)
    assert pose.centre == (260.0, 250.0)


@pytest.mark.parametrize("angle", [0.0, 23.0, -120.0])
def test_matrix_round_trip_and_pixel_centres(angle: float) -> None:
    pose = _pose(angle)
    matrix = pose.matrix(64, 20)
    back = Pose.from_matrix(matrix, 64, 20)
    assert np.allclose(np.array(back.corners), np.array(pose.corners))
    # The centre of frame pixel (0, 0) is half a frame pixel in from the artwork's corner.
    expected = np.array(pose.origin) + np.array(pose.x_axis) / 128 + np.array(pose.y_axis) / 40 - 0.5
    assert np.allclose(matrix @ np.array([0.0, 0.0, 1.0]), expected)


@pytest.mark.parametrize(("origin", "visible"), [((10.0, 10.0), 1.0), ((-160.0, 10.0), 0.5), ((10.0, -75.0), 0.25),
                                                 ((-400.0, 10.0), 0.0)])
def test_visible_fraction(origin: tuple[float, float], visible: float) -> None:
    pose = Pose(origin, (320.0, 0.0), (0.0, 100.0))
    assert pose.visible_fraction(1000, 1000) == pytest.approx(visible)


def test_pose_is_picklable_and_scales() -> None:
    pose = _pose(10.0)
    assert pickle.loads(pickle.dumps(pose)) == pose
    assert pose.scaled(0.5).width == pytest.approx(160.0)
