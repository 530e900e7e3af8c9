"""find_marks: every quality mark in an RGB image, registered and measured."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ...errors import UsageError
from ...kit import Spec
from ._anchors import stands_out
from .candidates import SHARPEN_BELOW_PX, Candidate, content_box, find_outlines, halve, sharpened_pose
from .measure import measure
from .model import Detection, PixelMeasurements, Pose
from .references import References
from .verify import ImagePyramid, Registration, refine, register, register_all

__all__ = ["confidence_of", "find_marks"]

EXTEND_FLOOR = 0.10         # an outline's poses must score this before covered-end hypotheses are tried...
EXTEND_CEILING = 0.8        # ...and less than this (else the outline is the whole mark)
# Candidates whose rough score is below this are dropped before refinement. On the evaluation
# set real marks screen at 0.54 or more even when cropped, rotated or compressed, and nothing
# below 0.5 became a detection; refining such clutter was most of the time spent on pages without a mark.
SCORE_FLOOR = 0.40
# A partly hidden artwork's pose comes from its visible part's outline, which places it less
# exactly (a pixel or two off ranks it lower before it is aligned on that part): a lower floor.
HIDDEN_SCORE_FLOOR = 0.30
MATCH_AT_HALF = 0.45        # the share of matching parts that maps to confidence 0.5
MATCH_SLOPE = 12.0          # steepness of the match -> confidence curve
MAX_REFINED = 100           # at most this many candidates are refined per image (a sheet of marks has many)
OVERLAP_LIMIT = 0.3         # detections overlapping a better one more than this are duplicates
WHOLE_AFTER_ALL = 0.05      # a partly hidden hypothesis is whole if the whole artwork matches within this
HIDDEN_STRETCH = 0.015      # a partly hidden artwork's alignment is kept if it stretches it less than this
# A pose placed from an anchor stands in for an outline that is not there, so it must match nearly all of
# the artwork: real marks on a plate of their own navy match at 0.86 or more in every test, lettered
# lookalikes of the tile with a chevron and words beside it at 0.67 at most.
ANCHORED_MIN_CONFIDENCE = 0.8
# At most this many anchors (the largest first) that come to nothing (do not stand out, or screen below the
# floor) are looked at per image: a page of glyph tables has thousands of square outlines; one that places
# a mark does not count, so a sheet of marks on their own navy is found whole.
MAX_ANCHORS = 32
# The aligned pose stands unless it matches worse by more than this: on a soft (enlarged) mark the
# outline's slightly large pose can count a part or so more than the right one.
ALIGNED_SLACK = 0.02
# A mirrored mark's outline is the artwork's, but its poses screen at about 0.35-0.45 (its tile on the wrong
# side): an outline whose best pose screens in this band is screened mirrored too, and taken so if that
# screens better by the margin. On the evaluation images about 3% of screenings are such second looks.
MIRROR_FLOOR = 0.30
MIRROR_MARGIN = 0.15
# Cut by the image's edge on its tile's side, a mirrored mark's upright poses screen lower (0.2-0.3).
MIRROR_FLOOR_CUT = 0.15


def confidence_of(match: float) -> float:
    """Calibrated confidence (0..1) from the share of matching parts."""
    return 1.0 / (1.0 + math.exp(-MATCH_SLOPE * (match - MATCH_AT_HALF)))


def _check_image(rgb: NDArray[np.uint8]) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        shape = getattr(rgb, "shape", None)
        dtype = getattr(rgb, "dtype", type(rgb).__name__)
        raise UsageError(f"find_marks needs an RGB image as a uint8 array of shape (height, width, 3); "
                         f"got {dtype} {shape}.")
    if rgb.shape[0] < 4 or rgb.shape[1] < 4:
        raise UsageError(f"the image is only {rgb.shape[1]}x{rgb.shape[0]} px; it is too small to search.")


def _overlap(a: Pose, b: Pose) -> float:
    """Intersection over the smaller area of two placed artwork rectangles."""
    import cv2

    qa = np.asarray(a.corners, np.float32)
    qb = np.asarray(b.corners, np.float32)
    area_a, area_b = abs(cv2.contourArea(qa)), abs(cv2.contourArea(qb))
    if min(area_a, area_b) <= 0:
        return 0.0
    inter, _ = cv2.intersectConvexConvex(qa, qb)
    return float(inter) / min(area_a, area_b)


def _inside(point: tuple[float, float], pose: Pose) -> bool:
    """Whether ``point`` lies within the placed artwork rectangle."""
    (ox, oy), (ax, ay), (bx, by) = pose.origin, pose.x_axis, pose.y_axis
    px, py = point[0] - ox, point[1] - oy
    u = (px * ax + py * ay) / (ax * ax + ay * ay)
    v = (px * bx + py * by) / (bx * bx + by * by)
    return 0.0 <= u <= 1.0 and 0.0 <= v <= 1.0


def _screening_order(candidate: Candidate) -> tuple[bool, float]:
    return candidate.anchor is not None, -candidate.poses[0].width * candidate.poses[0].height


def _score_candidates(pyramid: ImagePyramid, candidates: list[Candidate], refs: References
                      ) -> tuple[list[Registration], set[int]]:
    """Screen every candidate, largest first; outlines inside a clear match (its tile, its words) are skipped.

    Candidates placed from an anchor come last, and only where no outline's pose is worth refining:
    they stand in for an outline that is not there, never beside one that is. Anchors at
    the same place (seen in several views, or whole and cut) are each screened unless one already
    matches clearly; :func:`_best_registrations` aligns the best. Returns the registrations, and the
    ``id`` of each placed from an anchor.
    """
    scored: list[Registration] = []
    anchored: set[int] = set()
    clear: list[Pose] = []
    promising: list[Pose] = []  # the poses worth refining so far, of outlines
    anchors_left = MAX_ANCHORS
    for candidate in sorted(candidates, key=_screening_order):
        if candidate.anchor is not None:
            if anchors_left == 0 or any(_inside(candidate.anchor.centre, pose) for pose in (*promising, *clear)):
                continue
            if not stands_out(pyramid.level(0), candidate.anchor):
                anchors_left -= 1
                continue
        elif any(_inside(candidate.poses[0].centre, pose) for pose in clear):
            continue
        first = register_all(pyramid, candidate.poses, refs.screen)
        best = max(first, key=lambda r: r.score)
        if candidate.anchor is None and best.score < EXTEND_CEILING and best.score >= (
                MIRROR_FLOOR if candidate.poses[0].lies_within(pyramid.size) else MIRROR_FLOOR_CUT):
            flipped = register_all(pyramid, [pose.mirror() for pose in candidate.poses], refs.screen)
            best_flipped = max(flipped, key=lambda r: r.score)
            if best_flipped.score >= best.score + MIRROR_MARGIN:
                first, best = flipped, best_flipped
        if candidate.anchor is not None:
            # Only the way round that screens best is refined: each costs an alignment.
            first = [best]
            anchored.add(id(best))
            if not _worth_refining(best):
                anchors_left -= 1
        if best.score >= EXTEND_CEILING:
            clear.append(best.pose)
        elif candidate.extended and best.score >= EXTEND_FLOOR:
            first = [*first, *register_all(pyramid, candidate.hypotheses(), refs.screen)]
        scored.extend(first)
        if candidate.anchor is None:
            promising.extend(r.pose for r in first if _worth_refining(r))
    return scored, anchored


def _worth_refining(registration: Registration) -> bool:
    return registration.score >= (SCORE_FLOOR if registration.pose.shown is None else HIDDEN_SCORE_FLOOR)


def _aligned(pyramid: ImagePyramid, judged: Registration, refs: References) -> Registration:
    """``judged`` aligned with the artwork (of a partly hidden artwork, on its visible part), if that matches better.

    Alignment places the artwork more exactly than the rough score can tell (which favours
    a slightly large pose on a blurred mark), so the aligned pose stands unless it matches clearly worse.
    """
    pose = replace(refine(pyramid, judged, refs.measure), shown=judged.pose.shown)
    # Aligning a partly hidden artwork on its visible part may stretch it: such a fit is not kept.
    if pose.shown is not None and abs(pose.width / pose.height / refs.aspect_ratio - 1.0) > HIDDEN_STRETCH:
        return judged
    refined = judged if pose == judged.pose else register(pyramid, pose, refs.detect)
    return refined if refined.match >= judged.match - ALIGNED_SLACK else judged


def _best_registrations(pyramid: ImagePyramid, candidates: list[Candidate], refs: References,
                        min_width: float) -> list[Registration]:
    scored, anchored = _score_candidates(pyramid, candidates, refs)
    kept = sorted(filter(_worth_refining, scored), key=lambda r: -r.score)
    chosen: list[Registration] = []
    anchors_tried: list[Pose] = []  # each place an anchor puts the artwork is aligned once, from its best pose
    for candidate in kept:
        if any(_overlap(candidate.pose, c.pose) > OVERLAP_LIMIT for c in chosen):
            continue
        if len(chosen) >= MAX_REFINED:
            break
        pose = candidate.pose
        from_anchor = id(candidate) in anchored
        if from_anchor:
            if any(_overlap(pose, tried) > OVERLAP_LIMIT for tried in anchors_tried):
                continue
            anchors_tried.append(pose)
        # Smaller outlines were traced at full resolution already; a partly hidden artwork's
        # outline is not the artwork's, and an anchor's pose stands in for an outline not found.
        if pose.height >= SHARPEN_BELOW_PX and pose.shown is None and not from_anchor:
            # The outline's own poses are upright ones: a mirrored pose is sharpened as one and flipped back.
            flipped = pose.mirrored
            pose = sharpened_pose(pyramid.level(0), pose.mirror() if flipped else pose, refs.aspect_ratio,
                                  min_width)
            pose = pose.mirror() if flipped else pose
        best = _aligned(pyramid, register(pyramid, pose, refs.detect), refs)
        if pose.shown is not None:
            # If all of a hypothesised partly hidden artwork shows as well after all, nothing is hidden
            # (judged once the visible part is aligned: before, neither may match).
            whole = register(pyramid, replace(best.pose, shown=None), refs.detect)
            if whole.match >= best.match - WHOLE_AFTER_ALL:
                best = _aligned(pyramid, whole, refs)
        if from_anchor and confidence_of(best.match) < ANCHORED_MIN_CONFIDENCE:
            continue
        chosen.append(best)
    chosen.sort(key=lambda r: (-r.match, -r.score))
    final: list[Registration] = []
    for registration in chosen:
        if not any(_overlap(registration.pose, f.pose) > OVERLAP_LIMIT for f in final):
            final.append(registration)
    return final


_MIRRORED_SIDES = {"left": "right", "right": "left"}


def _side_as_seen(side: str | None, mirrored: bool) -> str | None:
    """The artwork's own ``side`` as its mirrored image shows it (its own left is shown on the right)."""
    return _MIRRORED_SIDES.get(side, side) if mirrored and side is not None else side


def _sides_as_seen(measured: PixelMeasurements, mirrored: bool) -> PixelMeasurements:
    if not mirrored:
        return measured
    return replace(measured, covered_side=_side_as_seen(measured.covered_side, True),
                   clear_space_intrusion_px={_MIRRORED_SIDES.get(side, side): depth
                                             for side, depth in measured.clear_space_intrusion_px.items()})


def find_marks(rgb: NDArray[np.uint8], refs: References, *, spec: Spec,
               min_width_px: float | None = None, hints: Sequence[Pose] = ()) -> list[Detection]:
    """Find every mark in ``rgb`` (uint8, height x width x 3) at least ``min_width_px`` wide.

    Returns detections whose confidence reaches ``spec.scan.minimum_confidence``,
    best first, each registered and measured. ``hints`` are places where
    something else (a web page's layout) says a picture may show the artwork;
    each is tried as one more candidate and judged like the others. The result
    depends only on the inputs (no randomness, no state kept between calls).
    """
    _check_image(rgb)
    rgb = np.ascontiguousarray(rgb)
    min_width = float(min_width_px if min_width_px is not None else spec.scan.minimum_detect_width_px)
    half, box = halve(rgb, content_box(rgb))  # the candidates' search and the pyramid share the halving
    pyramid = ImagePyramid(rgb, half)
    candidates = find_outlines(rgb, refs.aspect_ratio, min_width, halved=(half, box), anchors=refs.anchors)
    candidates += [Candidate((pose,)) for pose in hints if pose.width >= min_width]
    detections = []
    for registration in _best_registrations(pyramid, candidates, refs, min_width):
        confidence = confidence_of(registration.match)
        if confidence < spec.scan.minimum_confidence:
            continue
        pose = registration.pose
        width, height = pose.width, pose.height
        measured = _sides_as_seen(measure(pyramid, pose, refs, spec), pose.mirrored)
        fits = measured.palette_distance <= spec.scan.colour_tolerance_delta_e
        detections.append(Detection(
            corners=tuple((round(x, 2), round(y, 2)) for x, y in pose.corners),
            confidence=round(confidence, 4),
            variant=measured.best_variant if fits else None,
            width_px=round(width, 2),
            height_px=round(height, 2),
            rotation_deg=round(pose.rotation_deg, 3),
            aspect_ratio_error=round((width / height) / refs.aspect_ratio - 1.0, 5),
            visible_fraction=round(pose.visible_fraction(*pyramid.size), 4),
            measurements=measured,
            cut_side=_side_as_seen(pose.cut_side(*pyramid.size), pose.mirrored),
            mirrored=pose.mirrored,
        ))
    return detections
