"""Kit reference fan-out: a few kilobytes of nested ``<use>`` would make every renderer draw
millions of shapes. The kit's expanded size is bounded when it is loaded, and building the
detector's references in the scanning process is held to the time limit.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import htq_mark.scanner._detect
from htq_mark.errors import KitError, UnsafeArtworkError
from htq_mark.kit import load_kit
from htq_mark.kit._svg_safety import MAX_EXPANDED_ELEMENTS
from htq_mark.scanner import Limits, scan

from .test_kits import _kit_with_artwork, _with_body


def fan_out(levels: int, width: int) -> bytes:
    """The bundled artwork plus a square drawn ``width ** levels`` times through nested ``<use>``."""
    parts = ['<defs><g id="l0"><path d="M0 0H10V10H0Z" fill="#0B2545"/></g>']
    for level in range(1, levels + 1):
        parts.append(f'<g id="l{level}">' + f'<use href="#l{level - 1}"/>' * width + "</g>")
    parts.append(f'</defs><use href="#l{levels}"/>')
    return _with_body("".join(parts))


def test_a_40_kb_fan_out_is_refused_when_the_kit_is_loaded(tmp_path: Path) -> None:
    svg = fan_out(levels=7, width=200)
    assert 35_000 < len(svg) < 80_000  # draws 200 ** 7 squares
    kit = _kit_with_artwork(tmp_path / "kit", svg)
    started = time.perf_counter()
    with pytest.raises(UnsafeArtworkError, match=f"expand to more than {MAX_EXPANDED_ELEMENTS:,} elements"):
        load_kit(kit)
    assert time.perf_counter() - started < 5


def test_a_modest_use_of_use_still_loads(tmp_path: Path) -> None:
    load_kit(_kit_with_artwork(tmp_path / "kit", fan_out(levels=2, width=10)))


@pytest.mark.parametrize("body", [
    '<g id="a"><use href="#a"/></g>',
    '<defs><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></defs><use href="#a"/>',
])
def test_use_loops_are_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(UnsafeArtworkError, match="loop"):
        load_kit(_kit_with_artwork(tmp_path / "kit", _with_body(body)))


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeArtworkError, match="nested more than"):
        load_kit(_kit_with_artwork(tmp_path / "kit", _with_body("<g>" * 500 + "</g>" * 500)))


def test_building_references_is_held_to_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(kit: object) -> object:
        time.sleep(60)
        raise AssertionError("the time limit did not apply")

    monkeypatch.setattr(htq_mark.scanner._detect, "build_references", stuck)
    monkeypatch.setenv("HTQ_MARK_CACHE_DIR", "")  # no cached references: this process builds them
    (tmp_path / "page.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    started = time.perf_counter()
    with pytest.raises(KitError, match="longer than the 1 s limit"):
        scan([str(tmp_path)], jobs=1, limits=Limits(max_reference_seconds=1))
    assert time.perf_counter() - started < 10
