"""A short fixed-seed slice of the fuzzer (``fuzz/run.py``): no uncaught exception, no hang.

The full run (``python fuzz/run.py --count 20000 --seed 1 --jobs 2``) is too long for CI; this
slice runs the same harness on its first inputs, from the shared corpus and generated seeds.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fuzz.mutate import MAX_INPUT_BYTES, fix_png_checksums, mutate
from fuzz.run import build_input, load_seeds, run_fuzz
from fuzz.seeds import default_corpus

SLICE = 150
SEED = 1


def _corpus() -> Path:
    corpus = default_corpus()
    if not corpus.is_dir():
        pytest.fail(f"the shared corpus is missing: {corpus} should hold the real PDFs (pdfjs/, pypdf-samples/)")
    return corpus


@pytest.fixture(scope="module")
def seeds() -> list:
    return load_seeds(_corpus())


def test_inputs_are_the_same_for_the_same_seed_and_number(seeds: list) -> None:
    first = [build_input(seeds, SEED, index) for index in (0, 7, 149)]
    again = [build_input(seeds, SEED, index) for index in (149, 7, 0)][::-1]
    assert [(i.seed_name, i.mutations, i.data) for i in first] == [(i.seed_name, i.mutations, i.data) for i in again]
    other = build_input(seeds, SEED + 1, 7)
    assert (other.seed_name, other.data) != (first[1].seed_name, first[1].data)


def test_seeds_cover_every_kind_of_document(seeds: list) -> None:
    kinds = {Path(seed.name).suffix for seed in seeds}
    assert {".pdf", ".png", ".jpg", ".tif", ".gif"} <= kinds
    assert sum(1 for seed in seeds if seed.name.startswith("corpus/")) > 100


@pytest.mark.parametrize("round_", range(20))
def test_mutations_change_bytes_and_stay_bounded(seeds: list, round_: int) -> None:
    rng = random.Random(round_)
    seed = seeds[round_ % len(seeds)]
    data, applied = mutate(seed.data, rng, [s.data for s in seeds[:3]])
    assert applied
    assert len(data) <= MAX_INPUT_BYTES


def test_png_checksums_are_repaired() -> None:
    import io
    import zlib

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16] ^= 0x01  # inside IHDR: width now 0x...09 wide; its CRC no longer matches
    repaired = fix_png_checksums(bytearray(data))
    ihdr = bytes(repaired[12:29])
    assert int.from_bytes(repaired[29:33], "big") == zlib.crc32(ihdr)


def test_fixed_seed_slice_has_no_uncaught_exception_and_no_hang(tmp_path: Path) -> None:
    crashes = tmp_path / "crashes"
    summary = run_fuzz(count=SLICE, seed=SEED, jobs=2, timeout=60, corpus=_corpus(), crashes=crashes)
    details = "\n\n".join(p.read_text() for p in sorted(crashes.glob("*.txt"))) if crashes.exists() else ""
    assert summary.inputs == SLICE
    assert summary.uncaught == 0, details
    assert summary.hangs == 0, details
    assert summary.outcomes["ok"] > 0 and summary.outcomes["unreadable"] > 0, summary.outcomes
    assert set(summary.outcomes) <= {"ok", "unreadable", "encrypted", "unsupported", "too-large"}
    assert 0 < summary.peak_rss_kb / 1024 < 1536
