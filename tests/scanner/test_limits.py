import pytest

from htq_mark.errors import UsageError
from htq_mark.scanner._limits import DEFAULT_LIMITS, MAX_DECODABLE_PIXELS, Limits


def test_replace_changes_only_what_is_given():
    changed = DEFAULT_LIMITS.replace(max_pages=5, max_seconds=None)
    assert changed.max_pages == 5
    assert changed.max_seconds == DEFAULT_LIMITS.max_seconds


@pytest.mark.parametrize("field, value", [("max_pages", 0), ("max_seconds", -1.0), ("max_frames", True)])
def test_limits_must_be_positive_numbers(field, value):
    with pytest.raises(UsageError, match=field):
        Limits(**{field: value})


def test_unknown_limit_is_refused():
    with pytest.raises(UsageError, match="unknown limit"):
        DEFAULT_LIMITS.replace(max_everything=1)


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_limits_must_be_finite(value):
    with pytest.raises(UsageError, match="positive, finite number"):
        DEFAULT_LIMITS.replace(max_seconds=value)


@pytest.mark.parametrize(("field", "value", "words", "most"), [
    ("max_seconds", 1e20, "limits.max_seconds can be at most 604,800", 604_800.0),
    ("max_page_seconds", 604_801, "limits.max_page_seconds can be at most", 604_800),
    ("max_file_bytes", 10**30, "limits.max_file_bytes can be at most 9,007,199,254,740,992", 2**53),
])
def test_limits_stop_where_clocks_and_sizes_overflow(field, value, words, most):
    """Past these the timers and reads that enforce them overflowed (an internal error, not a usage one)."""
    with pytest.raises(UsageError, match=words):
        DEFAULT_LIMITS.replace(**{field: value})
    assert getattr(DEFAULT_LIMITS.replace(**{field: most}), field) == most


def test_an_unknown_limit_names_the_known_ones():
    with pytest.raises(UsageError, match="unknown limit.*foo; the limits are .*max_frames"):
        DEFAULT_LIMITS.replace(foo=1)


def test_the_pixel_limit_stops_where_the_image_decoder_does():
    from PIL import Image

    assert MAX_DECODABLE_PIXELS == 2 * Image.MAX_IMAGE_PIXELS  # where Pillow raises DecompressionBombError
    assert Limits(max_pixels_per_page=MAX_DECODABLE_PIXELS).max_pixels_per_page == MAX_DECODABLE_PIXELS
    with pytest.raises(UsageError, match="at most 178,956,970"):
        Limits(max_pixels_per_page=MAX_DECODABLE_PIXELS + 1)


@pytest.mark.parametrize(("field", "value", "kept"), [("max_frames", 0.5, None), ("max_pages", 12.25, None),
                                                      ("max_frames", 5.0, 5), ("max_seconds", 0.5, 0.5)])
def test_a_count_must_be_a_whole_number(field, value, kept):
    """Before, max_frames = 0.5 was taken, and read as "more than 0.5 frames"."""
    if kept is None:
        with pytest.raises(UsageError, match=f"{field} is a count and must be a whole number"):
            Limits(**{field: value})
    else:
        made = getattr(Limits(**{field: value}), field)
        assert made == kept and type(made) is type(kept)
