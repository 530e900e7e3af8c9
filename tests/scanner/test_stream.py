"""scan_iter(): results one at a time in input order, none held by the scan, stopped when left early."""

from __future__ import annotations

import dataclasses
import datetime
import gc
import os
import time
import warnings
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psutil
import pytest

import htq_mark
from htq_mark.scanner import DocumentResult, InputDocument, Limits, ScanReport, ScanStream, scan, scan_iter

from ._make import canvas_with, encode, pdf_pages, text_fragment

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pictures with and without the mark, a copy of one, a damaged file, PDFs, in one folder."""
    root = tmp_path_factory.mktemp("stream")
    marked = encode(canvas_with(KIT, width=240), "PNG")
    (root / "a-post.png").write_bytes(marked)
    for number in range(6):
        (root / f"b-page-{number}.pdf").write_bytes(pdf_pages([text_fragment(f"page {number}", x=50, y=50)]))
    (root / "c-broken.jpg").write_bytes(b"\xff\xd8\xff broken")
    (root / "d-copy.png").write_bytes(marked)  # the same bytes as a-post.png: scanned once
    return root


def _untimed(report: ScanReport) -> dict[str, object]:
    data = dataclasses.replace(report, scanned_at="").to_dict()
    for document in data["documents"]:
        document.pop("elapsed_s", None)
    return data


def test_results_come_in_input_order_and_none_is_held(folder: Path) -> None:
    alive: list[weakref.ref[object]] = []
    paths: list[str] = []
    held_at_most = 0
    stream = scan_iter([str(folder)], kit=KIT, on=ON, jobs=2)
    assert isinstance(stream, ScanStream) and stream.on_date == "2026-11-23" and not stream.scanned_at
    for document in stream:
        paths.append(document.path)
        alive.append(weakref.ref(document))
        del document
        gc.collect()
        held_at_most = max(held_at_most, sum(ref() is not None for ref in alive))
    # Only a scanned file whose copy is still to come is kept (a-post.png until d-copy.png).
    assert held_at_most <= 1
    assert paths == sorted(str(path) for path in folder.iterdir())
    assert stream.scanned_at
    whole = scan([str(folder)], kit=KIT, on=ON, jobs=1)
    assert [d.path for d in whole.documents] == paths
    copy, original = whole.documents[-1], whole.documents[0]
    assert copy.marks == original.marks and len(copy.marks) == 1 and copy.sha256 == original.sha256


def test_the_report_of_a_stream_is_the_report_of_scan(folder: Path) -> None:
    with scan_iter([str(folder)], kit=KIT, on=ON, jobs=2) as stream:
        streamed = stream.report()
    assert _untimed(streamed) == _untimed(scan([str(folder)], kit=KIT, on=ON, jobs=2))


def test_leaving_a_stream_early_stops_its_worker_processes(folder: Path) -> None:
    me = psutil.Process(os.getpid())
    before = {child.pid for child in me.children(recursive=True)}
    stream = scan_iter([str(folder)], kit=KIT, on=ON, jobs=2)
    next(stream)
    next(stream)
    workers = {child.pid for child in me.children(recursive=True)} - before
    assert workers  # the scan's worker processes are running
    stream.close()
    deadline = time.monotonic() + 5
    while {child.pid for child in me.children(recursive=True)} & workers and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not {child.pid for child in me.children(recursive=True)} & workers
    with pytest.raises(StopIteration):
        next(stream)


class _Forgetful:
    """An executor that never gives the second document's result."""

    def results(self, items: Sequence[tuple[int, InputDocument]], make_setup: Any,
                limits: Limits) -> Iterator[tuple[int, DocumentResult]]:
        for index, item in items:
            if index != 1:
                yield index, DocumentResult(path=item.path, sha256=None, type="pdf", status="ok")


def test_a_document_an_executor_never_answers_for_is_reported_not_lost(folder: Path) -> None:
    paths = sorted(str(path) for path in folder.glob("b-page-*.pdf"))[:3]
    report = scan(paths, kit=KIT, on=ON, executor=_Forgetful())
    assert [d.path for d in report.documents] == paths
    lost = report.documents[1]
    assert lost.status == "error" and lost.error is not None and lost.error.code == "worker-lost"
    assert lost.error.message.startswith(f"{paths[1]}: ")
    assert [d.status for d in report.documents] == ["ok", "error", "ok"]


def _open_files() -> set[str]:
    """This process's open files (the unnamed ones as their folder, ``#inode`` and ``(deleted)``)."""
    return {f"{fd} {os.readlink(f'/proc/self/fd/{fd}')}" for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")}


@pytest.mark.parametrize("read_first", [0, 2])
def test_a_stream_closed_early_keeps_no_file_open(folder: Path, read_first: int) -> None:
    before = _open_files()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)  # a file left for the garbage collector to close
        stream = scan_iter([folder], kit=KIT, on=ON, jobs=1, ocr="never")
        assert _open_files() - before  # the listing waits in a temporary file
        for _ in range(read_first):
            next(stream)
        stream.close()
        assert _open_files() - before == set()
        del stream
        gc.collect()
    assert not [warning for warning in caught if issubclass(warning.category, ResourceWarning)]
