"""A picture's embedded ICC profile decides its colours, as a colour-managed viewer shows them."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest

import htq_mark
from htq_mark.scanner import scan_document
from htq_mark.scanner._detect import build_references
from htq_mark.scanner._images import read_frames
from htq_mark.scanner._limits import Limits

from ._icc import rgb_profile
from ._make import canvas_with, encode

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)
SWAPPED = rgb_profile("Swapped test RGB", ("blue", "green", "red"))


@pytest.fixture(scope="module")
def refs():  # type: ignore[no-untyped-def]
    return build_references(KIT)


def _rules(data: bytes, refs) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    result = scan_document(data, on=ON, references=refs, ocr="never")
    assert result.status == "ok", result.error
    return len(result.marks), sorted(finding.rule for finding in result.findings)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "RGBA-PNG", "P-PNG"])
def test_a_mark_converted_into_another_profile_correctly_is_not_recoloured(  # type: ignore[no-untyped-def]
        refs, fmt: str) -> None:
    """Its numbers differ from sRGB's, but a viewer shows the approved colours: it was called recoloured
    (a screenshot with transparency, tagged Display P3, as a Mac makes them, too)."""
    from PIL import Image

    swapped = np.ascontiguousarray(canvas_with(KIT)[..., ::-1])
    if fmt in ("RGBA-PNG", "P-PNG"):
        image = Image.fromarray(swapped)
        image = image.convert("RGBA") if fmt == "RGBA-PNG" else image.quantize(64)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", icc_profile=SWAPPED)
        converted = buffer.getvalue()
    else:
        converted = encode(swapped, fmt, icc_profile=SWAPPED, **({"quality": 95} if fmt == "JPEG" else {}))
    marks, rules = _rules(converted, refs)
    assert marks == 1 and "recoloured" not in rules


def test_approved_numbers_under_another_profile_are_recoloured(refs) -> None:  # type: ignore[no-untyped-def]
    """A viewer shows them red for blue: the mark was passed as compliant."""
    marks, rules = _rules(encode(canvas_with(KIT), "PNG", icc_profile=SWAPPED), refs)
    assert marks == 1 and "recoloured" in rules


@pytest.mark.parametrize("profile", [b"not a profile", rgb_profile("Custom RGB"), rgb_profile("c2")],
                         ids=["unreadable", "srgb-inside", "srgb-named-otherwise"])
def test_pictures_tagged_srgb_or_unreadably_are_taken_as_they_are(profile: bytes) -> None:
    picture = canvas_with(KIT)
    [frame] = read_frames(encode(picture, "PNG", icc_profile=profile), "png", "a.png", Limits())
    assert np.abs(frame.rgb.astype(int) - picture.astype(int)).max() <= 1


@pytest.mark.parametrize("profile", [rgb_profile("sRGB IEC61966-2.1", ("blue", "green", "red")),
                                     rgb_profile("GIMP built-in Linear sRGB", linear=True)],
                         ids=["swapped-named-srgb", "linear-srgb"])
def test_a_profile_named_srgb_that_is_not_is_applied(refs, profile: bytes) -> None:  # type: ignore[no-untyped-def]
    """The name decided: a mark converted correctly into GIMP's "Linear sRGB" (amber stored as 255, 115, 0) was
    called recoloured (colour difference 94.5), as its numbers were read as sRGB's."""
    from PIL import Image, ImageCms

    picture = Image.fromarray(canvas_with(KIT))
    stored = ImageCms.profileToProfile(picture, ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(
        io.BytesIO(profile)), renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="RGB")
    assert np.abs(np.asarray(stored, int) - np.asarray(picture, int)).max() > 40  # other numbers than sRGB's
    [frame] = read_frames(encode(np.asarray(stored), "PNG", icc_profile=profile), "png", "a.png", Limits())
    # Back as a viewer shows it, up to 8-bit linear storage's coarse steps in the dark
    assert np.abs(frame.rgb.astype(int) - np.asarray(picture, int)).max() <= 8
    marks, rules = _rules(encode(np.asarray(stored), "PNG", icc_profile=profile), refs)
    assert marks == 1 and "recoloured" not in rules
