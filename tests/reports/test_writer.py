"""Reports written from documents added one at a time: the same bytes as rendering the whole report."""

from __future__ import annotations

import dataclasses
import gc
import io
import signal
import subprocess
import sys
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from htq_mark import reports
from htq_mark.errors import UsageError
from htq_mark.reports._spool import Spool
from htq_mark.scanner._baseline import apply_baseline
from htq_mark.scanner._results import ScanReport
from tests.reports import factory

REPOSITORY = Path(__file__).resolve().parents[2]


def _written(report: ScanReport, format: str, **shape: bool) -> bytes:
    with reports.ReportWriter(format, **shape) as writer:
        for document in report.documents:
            writer.add(document)
        out = io.BytesIO()
        writer.write_bytes(report, out)
        return out.getvalue()


REPORTS: dict[str, Callable[[], ScanReport]] = {
    "full": factory.full_report,
    "hostile": factory.hostile_report,
    "empty": lambda: factory.report([]),
    "clean": lambda: factory.report([factory.clean_document()]),
    "one error": lambda: factory.report([factory.error_document("timeout")]),
    "baseline": lambda: apply_baseline(factory.full_report(), factory.report([factory.image_document()])),
    "unknown rule": lambda: factory.report([dataclasses.replace(
        factory.image_document(), findings=(dataclasses.replace(factory.image_document().findings[0],
                                                                rule="future-rule"),))]),
}


@pytest.mark.parametrize("format", reports.FORMATS)
@pytest.mark.parametrize("name", REPORTS)
def test_a_written_report_has_the_bytes_of_the_rendered_one(name: str, format: str) -> None:
    report = REPORTS[name]()
    assert _written(report, format) == reports.render_bytes(report, format)


@pytest.mark.parametrize("shape", [{"verbose": True}, {"quiet": True}])
def test_the_text_reports_shapes_are_kept(shape: dict[str, bool]) -> None:
    report = apply_baseline(factory.full_report(), factory.report([factory.image_document()]))
    assert _written(report, "text", **shape) == reports.render_bytes(report, "text", **shape)


def test_documents_added_are_not_held_in_memory() -> None:
    alive: list[weakref.ref[object]] = []
    with reports.ReportWriter("html") as writer:
        for number in range(20):
            document = factory.pdf_document(f"brochure-{number}.pdf")  # with page pictures
            alive.append(weakref.ref(document))
            writer.add(document)
        del document
        gc.collect()
        assert not [ref for ref in alive if ref() is not None]
        # Read back from disk, in the order added.
        assert [d.path for d in writer.report(factory.report([])).documents] == \
               [f"brochure-{number}.pdf" for number in range(20)]


def test_an_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(UsageError, match="unknown report format 'pdf'"):
        reports.ReportWriter("pdf")


@pytest.mark.parametrize("given", [{"path": "a.pdf"}, "a.pdf", None])
def test_anything_but_a_document_result_is_refused_when_added(given: object) -> None:
    """Before, a document's dict (or its path) was taken, and writing the report failed later with an
    AttributeError from deep inside the SARIF or text writer."""
    with reports.ReportWriter("sarif") as writer:
        with pytest.raises(UsageError, match=f"takes a DocumentResult .* not {type(given).__name__}"):
            writer.add(given)  # type: ignore[arg-type]
        writer.add(factory.clean_document())
        assert len(writer.report(factory.report([])).documents) == 1


@pytest.mark.parametrize("given", [None, {"on_date": "2026-11-23"}, "report.json"])
def test_a_report_judged_by_something_else_than_a_scan_is_refused(given: object) -> None:
    with reports.ReportWriter("json") as writer:
        writer.add(factory.clean_document())
        with pytest.raises(UsageError, match="takes the ScanStream or ScanReport"):
            writer.write(given, io.StringIO())  # type: ignore[arg-type]


def test_a_report_read_after_its_writer_closed_says_so() -> None:
    with reports.ReportWriter("json") as writer:
        writer.add(factory.clean_document())
        report = writer.report(factory.report([]))
        assert len(report.documents) == 1
    with pytest.raises(UsageError, match="deleted when its ReportWriter was closed"):
        report.fails_on("error")


def test_the_spool_reads_back_in_any_order_between_appends(tmp_path) -> None:
    documents = factory.full_report().documents
    spool = Spool(tmp_path)
    for number, document in enumerate(documents):
        spool.append(document)
        assert spool[number] == document and spool[-1] == document and list(spool) == list(documents[:number + 1])
    assert spool[::-1] == list(documents[::-1])
    with pytest.raises(IndexError):
        spool[len(documents)]
    spool.close()


def test_a_killed_process_leaves_no_spool_file_behind(tmp_path) -> None:
    script = (
        "import os, signal, sys\n"
        "from htq_mark.reports._spool import Spool\n"
        "from tests.reports import factory\n"
        "spool = Spool(sys.argv[1])\n"
        "for document in factory.full_report().documents:\n"
        "    spool.append(document)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    finished = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPOSITORY, timeout=120)
    assert finished.returncode == -signal.SIGKILL
    assert list(tmp_path.iterdir()) == []
