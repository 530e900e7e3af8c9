"""Bombs: files built to exhaust memory or time. Each is refused as ``too-large`` or scanned within
the limits, none runs into the time limit, and the worker's peak RSS stays under 1.5 GiB with one job.

All bombs are scanned together, in a fresh process with ``jobs=1`` (one worker), so the RSS
measured with ``getrusage`` is this scan's alone. The files are built by code and are small on
disk: compressed streams are assembled from repeated deflate blocks, never inflated here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from . import _build
from ._child import REPO_ROOT, ChildScan, scan_in_child

RSS_LIMIT_MIB = 1536
#: Generous, so a busy machine does not turn a slow refusal into a timeout; bombs finish far sooner.
TIME_LIMIT_S = 90

# name -> (builder, outcomes accepted, a note or message fragment expected)
BOMBS: dict[str, tuple[Callable[[], bytes], frozenset[str], str]] = {
    "png-100000x100000.png": (lambda: _build.png_claiming(100_000, 100_000), frozenset({"too-large"}), "too large"),
    # A JPEG frame header holds 16-bit sizes: 65,535 x 65,535 is the largest a JPEG can claim.
    "jpeg-65535x65535.jpg": (lambda: _build.jpeg_claiming(65_535, 65_535), frozenset({"too-large"}), "too large"),
    # 26,000 x 26,000 RGB: a 2 GB inflation, just under what pdfium will try to decode.
    "pdf-image-2gb.pdf": (lambda: _build.image_bomb_pdf(26_000, 26_000), frozenset({"ok", "too-large"}), ""),
    # 40,000 x 35,000 RGB: 4.2 GB of pixels from a 4 MB file.
    "pdf-image-4gb.pdf": (lambda: _build.image_bomb_pdf(40_000, 35_000), frozenset({"ok", "too-large"}), ""),
    "pdf-count-1000000.pdf": (lambda: _build.page_tree_claiming(1_000_000), frozenset({"too-large"}), "1000000 pages"),
    "pdf-tree-1000000.pdf": (lambda: _build.page_tree_fanout(6), frozenset({"too-large"}), "1000000 pages"),
    "pdf-forms-1000-deep.pdf": (lambda: _build.nested_forms(1000), frozenset({"ok"}), "nested more than"),
    "pdf-forms-cycle.pdf": (lambda: _build.nested_forms(3, cycle=True), frozenset({"ok"}), "cycle"),
    "pdf-10m-operators.pdf": (lambda: _build.many_operators(10_000_000), frozenset({"ok"}), ""),
    "tiff-10000-frames.tif": (lambda: _build.tiff_frames(10_000), frozenset({"too-large"}), "frames"),
    # Counting every frame of this one would take minutes: frames are only counted up to the limit.
    "tiff-50000-frames.tif": (lambda: _build.tiff_frames(50_000), frozenset({"too-large"}), "frames"),
    "gif-10000-frames.gif": (lambda: _build.gif_frames(10_000), frozenset({"too-large"}), "frames"),
    # 8940 x 8940 16-bit grey (just under the pixel limit) from 150 KB: it once took 2.2 GB to make 8-bit.
    "png-16-bit-8940x8940.png": (lambda: _build.png_16_bit_grey(8940), frozenset({"ok"}), ""),
}


@pytest.fixture(scope="module")
def bomb_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ChildScan]:
    folder = tmp_path_factory.mktemp("bombs")
    paths = _build.write_all(folder, {name: build() for name, (build, _, _) in BOMBS.items()})
    return folder, scan_in_child(paths, jobs=1, limits={"max_seconds": TIME_LIMIT_S})


def test_bombs_are_small_on_disk(bomb_scan: tuple[Path, ChildScan]) -> None:
    folder, _ = bomb_scan
    sizes = {path.name: path.stat().st_size for path in folder.iterdir()}
    assert sizes.keys() == BOMBS.keys()
    assert max(sizes.values()) < 8 * 1024 * 1024, sizes


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_each_bomb_is_refused_or_scanned_within_limits(bomb_scan: tuple[Path, ChildScan], name: str) -> None:
    folder, scanned = bomb_scan
    document = scanned.document(folder / name)
    _, accepted, fragment = BOMBS[name]
    outcome = document["status"] if document["status"] == "ok" else document["error"]["code"]
    assert outcome in accepted, (outcome, document["error"], document["notes"])
    if document["status"] == "error":
        assert document["error"]["message"].startswith(str(folder / name))
        assert fragment in document["error"]["message"]
    else:
        assert fragment in " ".join(document["notes"]), document["notes"]
        assert document["pages"], "a bomb scanned within the limits still reports its pages"


@pytest.mark.parametrize("name", ["pdf-image-2gb.pdf", "pdf-image-4gb.pdf", "pdf-forms-1000-deep.pdf",
                                  "pdf-forms-cycle.pdf", "pdf-10m-operators.pdf"])
def test_marks_beside_a_bomb_are_still_found(bomb_scan: tuple[Path, ChildScan], name: str) -> None:
    folder, scanned = bomb_scan
    document = scanned.document(folder / name)
    if document["status"] == "ok":
        assert len(document["marks"]) == 1, document["marks"]


def test_peak_memory_stays_under_the_bound_with_one_job(bomb_scan: tuple[Path, ChildScan]) -> None:
    _, scanned = bomb_scan
    assert scanned.rss_workers_mib < RSS_LIMIT_MIB, f"worker peak RSS {scanned.rss_workers_mib:.0f} MiB"
    assert scanned.rss_self_mib < RSS_LIMIT_MIB, f"parent peak RSS {scanned.rss_self_mib:.0f} MiB"
    # The measurement is real: the worker loaded the scanner (numpy, OpenCV, pdfium) and ran it.
    assert scanned.rss_workers_mib > 50


def test_the_batch_reports_every_bomb(bomb_scan: tuple[Path, ChildScan]) -> None:
    _, scanned = bomb_scan
    summary = scanned.report["summary"]
    assert summary["documents"] == len(BOMBS)
    assert summary["unreadable"] == sum(1 for d in scanned.documents.values() if d["status"] == "error")


def test_cli_limit_options_refuse_a_bomb(tmp_path: Path) -> None:
    """The page and pixel limits are command-line options too; a refusal exits 3 with one clear line."""
    pdf = tmp_path / "three-pages-claimed.pdf"
    pdf.write_bytes(_build.page_tree_claiming(3))
    png = tmp_path / "big.png"
    png.write_bytes(_build.png_claiming(3000, 3000))
    gif = tmp_path / "frames.gif"
    gif.write_bytes(_build.gif_frames(60))
    done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", str(pdf), str(png), str(gif), "--jobs", "1",
                           "--max-document-pages", "2", "--max-pixels", "1000000", "--limit", "max_frames=50",
                           "--format", "json", "--timeout", "60"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, check=False)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    errors = [d["error"] for d in json.loads(done.stdout)["documents"]]
    assert [e["code"] for e in errors] == ["too-large"] * 3
    assert "the limit is 2" in errors[0]["message"] and "the limit is 1,000,000 pixels" in errors[1]["message"]
    assert "more than 50 frames" in errors[2]["message"]


def test_limits_are_keyword_arguments_of_the_library() -> None:
    from htq_mark.scanner import Limits, scan_document

    gif = _build.gif_frames(60)
    assert scan_document(gif, name="frames.gif", limits=Limits(max_frames=100)).status == "ok"
    refused = scan_document(gif, name="frames.gif", limits=Limits(max_frames=50))
    assert refused.error is not None and refused.error.code == "too-large"
