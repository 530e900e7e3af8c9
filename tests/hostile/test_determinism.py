"""Determinism under parallelism: ``--jobs 1`` and ``--jobs 2`` give the same report apart from timings.

The documents mix marked pages and pictures, broken and encrypted files and real PDFs from the
shared corpus, so the workers finish in a different order than the documents are listed.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import subprocess
import sys

import pytest

from htq_mark.scanner import DocumentResult, scan

from . import _build
from ._child import REPO_ROOT

CORPUS = REPO_ROOT.parent / "shared" / "corpus"
CORPUS_FILES = [
    "pypdf-samples/003-pdflatex-image_pdflatex-image.pdf",
    "pypdf-samples/005-libreoffice-writer-password_libreoffice-writer-password.pdf",
    "pypdf-samples/008-reportlab-inline-image_inline-image.pdf",
    "pdfjs/PDFBOX-3148-2-fuzzed.pdf",
    "pdfjs/alphatrans.pdf",
]
DATE = "2025-06-01"


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    missing = [name for name in CORPUS_FILES if not (CORPUS / name).is_file()]
    if missing:
        pytest.fail(f"the shared corpus is missing or incomplete at {CORPUS}: {', '.join(missing)}")
    root = tmp_path_factory.mktemp("determinism")
    made = _build.write_all(root, {
        "01-marked.pdf": _build.marked_pdf(),
        "02-marked.png": _build.marked_image("PNG"),
        "03-marked.jpg": _build.marked_image("JPEG"),
        "04-truncated.pdf": _build.marked_pdf()[:3000],
        "05-broken-images.pdf": _build.broken_images_pdf(),
        "06-forms-cycle.pdf": _build.nested_forms(3, cycle=True),
        "07-gif-frames.gif": _build.gif_frames(300),
        "08-empty.png": b"",
    })
    # The corpus files are interleaved with the small ones, so a slow document is often in flight.
    return [path for pair in zip(made, [str(CORPUS / n) for n in CORPUS_FILES] + [""] * 3) for path in pair if path]


def _without_timings(document: DocumentResult) -> DocumentResult:
    return dataclasses.replace(document, elapsed_s=0.0)


def test_library_results_are_identical_with_one_or_two_jobs(paths: list[str]) -> None:
    one = scan(paths, jobs=1, on=DATE, thumbnails=True)
    two = scan(paths, jobs=2, on=DATE, thumbnails=True)
    assert [d.path for d in one.documents] == paths
    assert [_without_timings(d) for d in one.documents] == [_without_timings(d) for d in two.documents]
    assert dataclasses.replace(one, scanned_at="").to_dict() == dataclasses.replace(two, scanned_at="").to_dict()
    # The comparison covers real work: marks, findings, notes, page pictures and errors.
    assert sum(len(d.marks) for d in one.documents) >= 3
    assert any(d.images for d in one.documents) and any(d.notes for d in one.documents)
    assert {d.error.code for d in one.documents if d.error} >= {"unreadable", "encrypted", "too-large"}


def _untimed_lines(text: str) -> list[str]:
    """The report's lines, with the time of the scan blanked out."""
    return [re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^)\s]*", "<time>", line) for line in text.splitlines()]


@functools.cache
def _cli(paths: tuple[str, ...], jobs: int, report_format: str) -> str:
    done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", *paths, "--jobs", str(jobs), "--date", DATE,
                           "--format", report_format, "--fail-on", "never"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=600, check=False)
    assert done.returncode == 3, done.stderr  # some inputs are unreadable on purpose
    return done.stdout


def test_cli_json_report_is_identical_but_for_its_timestamp(paths: list[str]) -> None:
    """The JSON contract carries no timings but the time of the scan, so the rest is the same byte for byte."""
    one, two = _cli(tuple(paths), 1, "json"), _cli(tuple(paths), 2, "json")
    assert _untimed_lines(one) == _untimed_lines(two)
    assert sum("<time>" in line for line in _untimed_lines(one)) == 1
    assert json.loads(one)["summary"]["documents"] == len(paths)


def test_cli_text_report_differs_only_in_its_timestamp(paths: list[str]) -> None:
    one, two = _cli(tuple(paths), 1, "text"), _cli(tuple(paths), 2, "text")
    assert _untimed_lines(one) == _untimed_lines(two)
