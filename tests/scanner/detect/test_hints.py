"""``find_marks(hints=...)``: places another source (a web page's layout) names are tried, never trusted."""

from __future__ import annotations

import io

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from htq_mark import generate
from htq_mark.kit import Kit
from htq_mark.scanner._detect import References, find_marks
from htq_mark.scanner._detect.model import Pose

AT = (515.0, 256.0)


@pytest.fixture(scope="module")
def on_a_busy_photograph() -> NDArray[np.uint8]:
    """The colour mark (300 x 94 px) on dark, colourful noise, where its outline is lost."""
    rng = np.random.default_rng(2)
    noise = Image.fromarray(np.clip(rng.normal(55, 18, (45, 80, 3)), 0, 255).astype(np.uint8), "RGB")
    stage = noise.resize((1280, 720), Image.Resampling.BICUBIC).resize((1600, 900), Image.Resampling.BILINEAR)
    stage = stage.crop((160, 0, 1440, 900))
    mark = Image.open(io.BytesIO(generate(variant="colour", format="png", width="300px",
                                          clear_space=False).data)).convert("RGBA")
    stage.paste(mark, (int(AT[0]), int(AT[1])), mark)
    return np.asarray(stage)


def test_a_hint_where_the_mark_is_finds_it(on_a_busy_photograph: NDArray[np.uint8], kit: Kit,
                                           refs: References) -> None:
    assert find_marks(on_a_busy_photograph, refs, spec=kit.spec) == []
    found = find_marks(on_a_busy_photograph, refs, spec=kit.spec, hints=[Pose(AT, (300.0, 0.0), (0.0, 94.0))])
    assert len(found) == 1 and found[0].variant == "colour"
    assert found[0].bbox == pytest.approx((AT[0], AT[1], AT[0] + 300, AT[1] + 94), abs=3)


def test_a_hint_where_no_mark_is_finds_nothing(on_a_busy_photograph: NDArray[np.uint8], kit: Kit,
                                               refs: References) -> None:
    empty = Pose((100.0, 600.0), (300.0, 0.0), (0.0, 94.0))
    assert find_marks(on_a_busy_photograph, refs, spec=kit.spec, hints=[empty]) == []
