"""Hangs: a document that runs past the per-document time limit is stopped (its worker process is
killed), reported as ``timeout``, and the batch goes on with a fresh worker.

The slow document is real work, not a trick: a 120-page PDF with the mark on every page, which
takes well over ten seconds to render and search, scanned with a three-second limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from htq_mark.scanner import DEFAULT_LIMITS, ScanReport, scan

from . import _build
from ._child import REPO_ROOT

PAGES = 120
LIMIT_S = 3.0


def slow_pdf(pages: int = PAGES) -> bytes:
    """``pages`` A4 pages, each drawing the mark and a busy pattern, sharing one image."""
    content = _build.mark_draw() + b"".join(
        b"0.%d g %d %d 40 40 re f\n" % (i % 9, 40 + (i * 53) % 500, 40 + (i * 97) % 400) for i in range(300))
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
                                 4: _build.stream(b"/Filter /FlateDecode", zlib.compress(content)),
                                 10: _build.image_xobject(_build.mark_rgb())}
    kids = []
    for page in range(pages):
        number = 100 + page
        kids.append(b"%d 0 R" % number)
        objects[number] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                           b"/Resources << /XObject << /Mark 10 0 R >> >> /Contents 4 0 R >>")
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return _build.pdf(objects)


def _children_of(pid: int) -> list[int]:
    """Live child processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hangs")
    paths = {
        "before": root / "a-before.png",
        "slow": root / "b-slow.pdf",
        "after": root / "c-after.pdf",
        "slow-again": root / "d-slow-again.pdf",
        "last": root / "e-last.png",
    }
    paths["before"].write_bytes(_build.marked_image("PNG"))
    paths["slow"].write_bytes(slow_pdf())
    paths["after"].write_bytes(_build.marked_pdf())
    paths["slow-again"].write_bytes(slow_pdf())
    paths["last"].write_bytes(_build.marked_image("JPEG"))
    return paths


@pytest.fixture(scope="module")
def report(files: dict[str, Path]) -> ScanReport:
    before = set(_children_of(os.getpid()))
    # No text is read in pictures: starting the OCR engine in a fresh worker would count against
    # the short limit, and these documents are about hangs.
    result = scan([str(p) for p in files.values()], jobs=1, on="2025-06-01",
                  limits=DEFAULT_LIMITS.replace(max_seconds=LIMIT_S), ocr="never")
    # Every worker, including the ones killed at the limit, is gone once scan() returns.
    assert set(_children_of(os.getpid())) - before == set()
    return result


def test_the_slow_document_is_sound_without_a_limit() -> None:
    """Without a limit the slow PDF is a sound document, scanned to the end, with a mark on every page."""
    from htq_mark.scanner import scan_document

    result = scan_document(slow_pdf(3), on="2025-06-01", name="three-pages.pdf")
    assert result.status == "ok" and len(result.pages) == 3
    assert len(result.marks) == 3


@pytest.mark.parametrize("key", ["slow", "slow-again"])
def test_a_document_past_the_limit_is_stopped_and_reported_as_timeout(report: ScanReport, files: dict[str, Path],
                                                                       key: str) -> None:
    document = {d.path: d for d in report.documents}[str(files[key])]
    assert document.status == "error" and document.error is not None
    assert document.error.code == "timeout"
    assert document.error.message.startswith(str(files[key]))
    assert "limits.max_seconds" in document.error.message
    assert document.type == "pdf" and document.sha256 is not None


@pytest.mark.parametrize("key", ["before", "after", "last"])
def test_the_batch_goes_on_with_a_fresh_worker(report: ScanReport, files: dict[str, Path], key: str) -> None:
    document = {d.path: d for d in report.documents}[str(files[key])]
    assert document.status == "ok", document.error
    assert len(document.marks) == 1


def test_results_stay_in_input_order(report: ScanReport, files: dict[str, Path]) -> None:
    assert [d.path for d in report.documents] == [str(p) for p in files.values()]


def test_cli_timeout_option(files: dict[str, Path]) -> None:
    done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", str(files["slow"]), str(files["after"]),
                           "--timeout", str(LIMIT_S), "--jobs", "1", "--format", "json", "--date", "2025-06-01"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=600, check=False)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert '"timeout"' in done.stdout
    assert f"{files['slow']}: scanning took longer than the 3 s limit" in done.stdout
